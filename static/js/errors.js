// The error summary of a refused form takes the focus, so that a screen reader announces it and
// a keyboard user starts from its links to each field (the GOV.UK pattern). Without JavaScript
// the summary is still the first thing in the page's content.
(function () {
  var summary = document.getElementById("error-summary");
  if (summary) summary.focus();
})();
