// Progressive enhancement for the location pickers: choosing a region loads its children.
// Without JavaScript the province alone is sent, which is enough to submit.
document.querySelectorAll("select[data-child]").forEach(function (select) {
  select.addEventListener("change", function () {
    var child = document.getElementById(select.dataset.child);
    var next = child;
    while (next) {  // clear this level and every level below it
      next.length = 1;
      next = next.dataset.child ? document.getElementById(next.dataset.child) : null;
    }
    if (!select.value) return;
    fetch("/wilayah/?parent=" + encodeURIComponent(select.value))
      .then(function (r) { return r.text(); })
      .then(function (html) { child.insertAdjacentHTML("beforeend", html); });
  });
});
