(function () {
  var body = document.body;
  var boxes = document.querySelectorAll('.filter input');
  function apply(box) { body.classList.toggle('hide-' + box.dataset.v, !box.checked); }
  boxes.forEach(function (box) {
    apply(box);
    box.addEventListener('change', function () { apply(box); });
  });
  function openBroken(open) {
    document.querySelectorAll('details.f-fail, details.f-warn, details.f-error')
      .forEach(function (d) { d.open = open; });
  }
  document.getElementById('open-broken').addEventListener('click', function () { openBroken(true); });
  document.getElementById('close-all').addEventListener('click', function () {
    document.querySelectorAll('details[open]').forEach(function (d) { d.open = false; });
  });
  window.addEventListener('beforeprint', function () { openBroken(true); });
})();
