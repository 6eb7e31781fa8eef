// "copy citation" buttons on the case file: the citation as plain text to the clipboard (a
// static script: the site's CSP runs no inline code).
document.addEventListener("click", function (event) {
  var button = event.target.closest("button.copy");
  if (!button || !navigator.clipboard) return;
  navigator.clipboard.writeText(button.dataset.copy).then(function () {
    var label = button.textContent;
    button.textContent = "copied";
    setTimeout(function () { button.textContent = label; }, 1500);
  });
});
