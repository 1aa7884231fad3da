(function () {
  var body = document.body;
  var scenarios = document.querySelectorAll('.s');

  function setOpen(s, open) {
    s.classList.toggle('open', open);
    s.firstElementChild.setAttribute('aria-expanded', open ? 'true' : 'false');
  }
  function openBroken(open) {
    scenarios.forEach(function (s) {
      if (s.matches('.f-fail, .f-warn, .f-error')) setOpen(s, open);
    });
  }
  function openTarget() {
    var t = location.hash.length > 1 ? document.getElementById(location.hash.slice(1)) : null;
    if (t) {
      if (t.classList.contains('s')) setOpen(t, true);
      var folded = t.closest('details');  // a passing requirement's row
      if (folded) folded.open = true;
      t.scrollIntoView();
    }
  }

  // One listener for every scenario header (mouse, Enter and Space).
  var list = document.getElementById('scenarios');
  list.addEventListener('click', function (e) {
    var h = e.target.closest('.s > .h');
    if (h) setOpen(h.parentNode, !h.parentNode.classList.contains('open'));
  });
  list.addEventListener('keydown', function (e) {
    var h = e.target.closest('.s > .h');
    if (h) {
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        setOpen(h.parentNode, !h.parentNode.classList.contains('open'));
      }
    }
  });

  // Verdict filter: one class on the body per hidden verdict. "#only=fail,error" in the
  // address shows only those verdicts (a link to the failures).
  var only = /only=([a-z_,]+)/.exec(location.hash);
  document.querySelectorAll('.filter input').forEach(function (box) {
    if (only) box.checked = only[1].split(',').indexOf(box.dataset.v) !== -1;
    function apply() { body.classList.toggle('hide-' + box.dataset.v, !box.checked); }
    apply();
    box.addEventListener('change', apply);
  });
  document.getElementById('open-broken').addEventListener('click', function () { openBroken(true); });
  document.getElementById('close-all').addEventListener('click', function () {
    scenarios.forEach(function (s) { setOpen(s, false); });
  });
  window.addEventListener('beforeprint', function () { openBroken(true); });
  window.addEventListener('hashchange', openTarget);
  if (!only) openTarget();
})();
