// Suggestions for a text field from the server (categories, agencies): typing fills the field's
// <datalist>, which the browser offers natively (keyboard and screen readers included). Without
// JavaScript the field still works: the server resolves the exact name typed.
document.querySelectorAll("input[data-suggest]").forEach(function (input) {
  var list = document.getElementById(input.getAttribute("list"));
  var timer = null;
  var last = "";
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var q = input.value.trim();
      if (q.length < 2 || q === last) return;
      last = q;
      fetch(input.dataset.suggest + "?q=" + encodeURIComponent(q))
        .then(function (r) { return r.text(); })
        .then(function (html) { if (input.value.trim() === q) list.innerHTML = html; });
    }, 250);
  });
});
