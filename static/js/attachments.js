// Previews of the files chosen for a report, and the limits checked before sending: a photo shows
// as a thumbnail, every file with its size, and a file that the server would refuse is marked now
// rather than after a long upload. The server checks everything again (this is only a courtesy).
document.querySelectorAll("input[type=file][data-preview]").forEach(function (input) {
  var list = document.getElementById(input.dataset.preview);
  var maxBytes = parseInt(input.dataset.maxBytes, 10);
  var maxFiles = parseInt(input.dataset.maxFiles, 10);
  function size(n) {
    return n >= 1048576 ? (n / 1048576).toFixed(1) + " MB" : Math.max(1, Math.round(n / 1024)) + " KB";
  }
  input.addEventListener("change", function () {
    list.textContent = "";
    Array.prototype.forEach.call(input.files, function (file) {
      var item = document.createElement("li");
      if (file.type.indexOf("image/") === 0) {
        var img = document.createElement("img");
        img.src = URL.createObjectURL(file);
        img.alt = "";  // the file name next to it says what it is
        img.onload = function () { URL.revokeObjectURL(img.src); };
        item.appendChild(img);
      }
      var text = file.name + " (" + size(file.size) + ")";
      if (file.size > maxBytes) text += " — " + list.dataset.tooBig;
      item.appendChild(document.createTextNode(text));
      if (file.size > maxBytes) item.className = "refused";
      list.appendChild(item);
    });
    if (input.files.length > maxFiles) {
      var warning = document.createElement("li");
      warning.className = "refused";
      warning.textContent = list.dataset.tooMany;
      list.appendChild(warning);
    }
  });
});
