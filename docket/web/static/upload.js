// Upload progress on the ingest page (a static script: the site's CSP runs no inline code).
// Without it the form posts as usual and the browser shows its own spinner; with it the curator
// sees how much of the files has been sent, then that the server is reading them (with the time
// so far and the per-file limit), then the per-file results in place of the page's main part.
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (!form.matches("form.upload") || !window.XMLHttpRequest || !window.FormData) return;
  var status = document.getElementById("upload-status");
  var bar = status.querySelector("progress");
  var text = status.querySelector(".upload-text");
  var files = form.querySelector("input[type=file]").files.length;
  var button = form.querySelector("button");
  event.preventDefault();
  button.disabled = true;
  status.hidden = false;
  var started = Date.now();
  var timer = null;
  var say = function (words) { text.textContent = words; };
  var xhr = new XMLHttpRequest();
  xhr.open("POST", form.action);
  xhr.upload.addEventListener("progress", function (e) {
    if (!e.lengthComputable) return;
    bar.max = e.total;
    bar.value = e.loaded;
    say("Sending " + files + (files === 1 ? " file: " : " files: ") +
        Math.round(100 * e.loaded / e.total) + "%");
  });
  xhr.upload.addEventListener("load", function () {
    bar.removeAttribute("value");  // no value: an indeterminate bar while the server reads
    var reading = function () {
      var s = Math.round((Date.now() - started) / 1000);
      say("Sent. Reading and analysing " + files + (files === 1 ? " file" : " files") +
          " (" + s + " s so far; each file may take up to " + status.dataset.limit + " s)…");
    };
    reading();
    timer = setInterval(reading, 1000);
  });
  var fail = function (why) {
    clearInterval(timer);
    button.disabled = false;
    bar.value = 0;
    say("The upload did not finish: " + why + ". Each file is stored whole or not at all: " +
        "the Documents page lists what was stored; try the rest again.");
    status.classList.add("error");
  };
  xhr.addEventListener("load", function () {
    clearInterval(timer);
    var page = new DOMParser().parseFromString(xhr.responseText, "text/html");
    var main = page.getElementById("main");
    if (!main) { fail("the server answered " + xhr.status); return; }
    document.getElementById("main").replaceWith(document.adoptNode(main));
    var results = document.querySelector("#main table") || document.querySelector("#main .error") ||
        document.querySelector("#main h1");  // the per-file results, else what went wrong
    if (results) { results.setAttribute("tabindex", "-1"); results.focus(); }
  });
  xhr.addEventListener("error", function () { fail("the connection was lost"); });
  xhr.addEventListener("timeout", function () { fail("no answer in time"); });
  xhr.send(new FormData(form));
});
