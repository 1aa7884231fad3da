#include "bis/mock/variations.h"

#include "bis/common/text.h"

namespace bis::mock {
namespace {

constexpr VariationInfo kRows[] = {
    {Variation::kRefusal200, "refusal-200",
     "refusals (bad key, email, platform, wrong method ...) answer 200 with the documented error "
     "body",
     "api-notes: the error status is not documented; clients treat status != 200 as failure"},
    {Variation::kRefusal422, "refusal-422", "refusals answer 422 with the documented error body",
     "api-notes: the error status is not documented"},
    {Variation::kRefusalPerAccount, "refusal-per-account",
     "each account refuses with its own status (200, 400 or 422, by its key)",
     "api-notes: the error status is not documented, so it may differ per account"},
    {Variation::kDuplicateError, "duplicate-error",
     "a duplicate subscription is answered with the documented error body (and the refusal "
     "status)",
     "the base document says duplicates create nothing; it does not say what they answer"},
    {Variation::kJsonCharset, "json-charset",
     "every JSON answer says Content-Type: application/json; charset=utf-8",
     "JSON is UTF-8 by definition (RFC 8259); the parameter changes nothing"},
    {Variation::kCorsEchoOrigin, "cors-echo-origin",
     "Access-Control-Allow-Origin echoes the request's Origin (with Vary: Origin) instead of *",
     "CORS lets a server allow an origin by name; nothing asks for *"},
    {Variation::kPreflightWithoutMethods, "preflight-without-methods",
     "the preflight answer has no Access-Control-Allow-Methods",
     "POST is a CORS-safelisted method: a browser needs no Allow-Methods for it"},
    {Variation::kNoExposeHeaders, "no-expose-headers",
     "answers carry no Access-Control-Expose-Headers",
     "the mock's own reason headers are not part of the API"},
    {Variation::kTextPlainForm, "text-plain-form",
     "a text/plain body is read as a form too (as a simple CORS request may send it)",
     "the document names no content type; api-notes only says which ones must be accepted"},
    {Variation::kEmailUnicodeDomain, "email-unicode-domain",
     "accepts addresses whose domain is internationalized (UTF-8, e.g. user@bücher.de)",
     "the document only asks for a correctly formatted, valid address (RFC 6531 allows IDNs)"},
    {Variation::kEmailQuotedLocal, "email-quoted-local",
     "accepts a quoted local part (\"john doe\"@example.com)",
     "RFC 5322 allows quoted local parts; the document does not forbid them"},
    {Variation::kOpaqueIds, "opaque-ids",
     "record ids are random strings, not sequential (lists stay oldest first)",
     "control protocol: ids are opaque; list order is the order of the records"},
    {Variation::kExtraKeys, "extra-keys",
     "every object of every control answer (records, fixtures, health) carries extra keys",
     "control protocol: clients must ignore keys they do not know"},
    {Variation::kAsyncRecording, "async-recording",
     "each record (subscription, event, notification with its clearing, list member) becomes "
     "visible to the observation routes after its own random delay of up to 1 s; the API "
     "answer is not delayed",
     "real implementations record asynchronously; the document promises no timing"},
    {Variation::kBatchesAnyOrder, "batches-any-order",
     "a restock notifies its subscribers in random order, in several batches sent within 1 s "
     "(a flow's own batch size still bounds the first batch)",
     "api-notes: 'some or all move on and get the message'; no order is promised"},
};
static_assert(std::size(kRows) == static_cast<size_t>(Variation::kCount));

}  // namespace

std::span<const VariationInfo> all_variations() { return kRows; }

const VariationInfo& info(Variation variation) { return kRows[static_cast<size_t>(variation)]; }

Expected<Variations, std::string> Variations::parse(const std::vector<std::string>& names) {
  Variations out;
  for (const std::string& name : names) {
    const VariationInfo* found = nullptr;
    for (const VariationInfo& v : kRows) {
      if (v.name == name) found = &v;
    }
    if (found) {
      out.add(found->variation);
      continue;
    }
    std::vector<std::string_view> known;
    for (const VariationInfo& v : kRows) known.push_back(v.name);
    std::string msg = "unknown variation '" + name + "'";
    msg += did_you_mean(name, std::span<const std::string_view>(known));
    msg += "; known variations:";
    for (std::string_view k : known) msg += "\n  " + std::string(k);
    return Unexpected{msg};
  }
  const int statuses = out.has(Variation::kRefusal200) + out.has(Variation::kRefusal422) +
                       out.has(Variation::kRefusalPerAccount);
  if (statuses > 1) {
    return Unexpected{std::string(
        "refusal-200, refusal-422 and refusal-per-account each set the refusal status: pick one")};
  }
  return out;
}

std::vector<std::string> Variations::names() const {
  std::vector<std::string> out;
  for (const VariationInfo& v : kRows) {
    if (has(v.variation)) out.emplace_back(v.name);
  }
  return out;
}

int Variations::refusal_status(std::string_view account, int status) const {
  if (has(Variation::kRefusal200)) return 200;
  if (has(Variation::kRefusal422)) return 422;
  if (has(Variation::kRefusalPerAccount) && !account.empty()) {
    static constexpr int kStatuses[] = {200, 400, 422};
    size_t h = 0;
    for (char c : account) h = h * 31 + static_cast<unsigned char>(c);
    return kStatuses[h % 3];
  }
  return status;
}

}  // namespace bis::mock
