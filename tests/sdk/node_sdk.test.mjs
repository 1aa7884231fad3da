// The official Klaviyo Node SDK (`klaviyo-api`, pinned in package-lock.json), unchanged but for
// its basePath, against bis-mock: what an app team developing offline sees (issue 11 §2).
// Run by scripts/ci-sdk.sh (npm ci, then `node --test`); the mock is $BIS_MOCK.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { ApiKeySession, CatalogsApi, RetryWithExponentialBackoff } from 'klaviyo-api';

import { startMock } from './mock.mjs';

// The built-in fixtures' primary account (bis-mock --print-fixtures): a Shopify store whose
// variant 44221714950 is sold out, with a flow.
const PRIVATE_KEY = 'pk_mock_shopify_0000000000000000000001';
const VARIANT = '$shopify:::$default:::44221714950';
const SDK_REVISION = '2026-07-15';

function subscription(email, variant = VARIANT) {
  return {
    data: {
      type: 'back-in-stock-subscription',
      attributes: {
        channels: ['EMAIL'],
        profile: { data: { type: 'profile', attributes: { email } } },
      },
      relationships: { variant: { data: { type: 'catalog-variant', id: variant } } },
    },
  };
}

function catalogs(mock, key = PRIVATE_KEY, retry = undefined) {
  const api = new CatalogsApi(new ApiKeySession(key, retry));
  api.basePath = mock.url; // the only change an app makes to point the SDK at the mock
  return api;
}

// The SDK throws axios errors for non-2xx answers; this returns the answer instead.
async function refusal(promise) {
  try {
    await promise;
  } catch (e) {
    if (e.response) return e.response;
    throw e;
  }
  assert.fail('the call succeeded; a refusal was expected');
}

describe('klaviyo-api (Node) against bis-mock', () => {
  let mock;
  before(async () => {
    mock = await startMock();
  });
  after(async () => {
    await mock?.stop();
  });

  test('createBackInStockSubscription is 202 and records one subscription and its event', async () => {
    const email = 'sdk-create@example.com';
    const r = await catalogs(mock).createBackInStockSubscription(subscription(email));
    assert.equal(r.response.status, 202);
    const subs = await mock.admin('GET', `/subscriptions?email=${encodeURIComponent(email)}`);
    assert.equal(subs.count, 1, JSON.stringify(subs));
    assert.equal(subs.items[0].account, 'PkShop');
    assert.equal(subs.items[0].variant, '44221714950');
    const events = await mock.admin('GET', `/events?email=${encodeURIComponent(email)}`);
    assert.equal(events.count, 1, JSON.stringify(events));
    // The request as the SDK sent it, from the mock's journal.
    const sent = await mock.admin('GET', `/requests?email=${encodeURIComponent(email)}`);
    assert.equal(sent.count, 1, JSON.stringify(sent));
    const headers = sent.items[0].headers;
    const header = (name) =>
      Object.entries(headers).find(([k]) => k.toLowerCase() === name)?.[1];
    assert.equal(header('revision'), SDK_REVISION);
    assert.match(header('user-agent'), /^klaviyo-api-node\//);
    assert.equal(header('authorization'), 'Klaviyo-API-Key [REDACTED]', 'the journal hides the key');
    assert.equal(sent.items[0].status, 202);
  });

  test('a second identical call is 202 again and records nothing (one subscription per profile and variant)', async () => {
    const email = 'sdk-duplicate@example.com';
    const api = catalogs(mock);
    assert.equal((await api.createBackInStockSubscription(subscription(email))).response.status, 202);
    assert.equal((await api.createBackInStockSubscription(subscription(email))).response.status, 202);
    const subs = await mock.admin('GET', `/subscriptions?email=${encodeURIComponent(email)}`);
    const events = await mock.admin('GET', `/events?email=${encodeURIComponent(email)}`);
    assert.equal(subs.count, 1);
    assert.equal(events.count, 1);
  });

  test('a bad email is a JSON:API 400 that points at the email', async () => {
    const r = await refusal(catalogs(mock).createBackInStockSubscription(subscription('test@klaviyo')));
    assert.equal(r.status, 400);
    const error = r.data.errors[0];
    assert.equal(Number(error.status), 400);
    assert.equal(typeof error.id, 'string');
    assert.equal(typeof error.code, 'string');
    assert.equal(typeof error.title, 'string');
    assert.equal(error.source.pointer, '/data/attributes/profile/data/attributes/email');
    const subs = await mock.admin('GET', '/subscriptions?email=test%40klaviyo');
    assert.equal(subs.count, 0);
  });

  test('a wrong private key is 401 and records nothing', async () => {
    const email = 'sdk-wrong-key@example.com';
    const r = await refusal(
      catalogs(mock, 'pk_not_a_key_of_this_mock_000000000000').createBackInStockSubscription(
        subscription(email),
      ),
    );
    assert.equal(r.status, 401);
    assert.equal(Number(r.data.errors[0].status), 401);
    const subs = await mock.admin('GET', `/subscriptions?email=${encodeURIComponent(email)}`);
    assert.equal(subs.count, 0);
  });

  test('an unknown variant is 202 without a subscription or an event', async () => {
    const email = 'sdk-unknown-variant@example.com';
    const r = await catalogs(mock).createBackInStockSubscription(
      subscription(email, '$shopify:::$default:::999999999'),
    );
    assert.equal(r.response.status, 202);
    assert.equal((await mock.admin('GET', `/subscriptions?email=${encodeURIComponent(email)}`)).count, 0);
    assert.equal((await mock.admin('GET', `/events?email=${encodeURIComponent(email)}`)).count, 0);
  });

  test("the SDK's retry waits out the mock's 429 and its Retry-After, then succeeds", async () => {
    const email = 'sdk-throttled@example.com';
    const fault = await mock.admin('POST', '/faults', {
      path: '/api/back-in-stock-subscriptions',
      kind: 'rate_limit',
      retry_after: 1,
      times: 1,
    });
    const begun = Date.now();
    const r = await catalogs(mock).createBackInStockSubscription(subscription(email));
    const took = Date.now() - begun;
    assert.equal(r.response.status, 202);
    assert.ok(took >= 1000, `the retry came after ${took} ms, before Retry-After's 1 s`);
    const faults = await mock.admin('GET', '/faults');
    assert.equal(faults.items.find((f) => f.id === fault.id).hits, 1);
    // Two requests reached the mock: the throttled one (nothing recorded) and the retry.
    const sent = await mock.admin('GET', '/requests?path=/api/back-in-stock-subscriptions');
    const mine = sent.items.filter((e) => e.body.includes(email));
    assert.deepEqual(mine.map((e) => e.status), [429, 202]);
    assert.match(mine[0].response.headers['Retry-After'], /^1$/);
    assert.equal((await mock.admin('GET', `/subscriptions?email=${encodeURIComponent(email)}`)).count, 1);
  });
});
