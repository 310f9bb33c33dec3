// Progressive enhancement for the cascading pickers (regions, categories): choosing an entry
// loads its children from the select's data-source (default: the regions). Without JavaScript
// the form's "show" buttons (.no-js-step) post it back with the next level filled in; with it
// they are not needed, and hidden.
document.querySelectorAll(".no-js-step").forEach(function (step) { step.hidden = true; });
document.querySelectorAll("select[data-child]").forEach(function (select) {
  select.addEventListener("change", function () {
    var child = document.getElementById(select.dataset.child);
    var next = child;
    while (next) {  // clear this level and every level below it
      next.length = 1;
      next = next.dataset.child ? document.getElementById(next.dataset.child) : null;
    }
    if (!select.value) return;
    fetch((select.dataset.source || "/wilayah/") + "?parent=" + encodeURIComponent(select.value))
      .then(function (r) { return r.text(); })
      .then(function (html) { child.insertAdjacentHTML("beforeend", html); });
  });
});
