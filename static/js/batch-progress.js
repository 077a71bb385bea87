// Batch progress: poll the JSON status and move the bar; reload the page
// when the batch finishes so the download button appears.
(function () {
  "use strict";
  var box = document.getElementById("batch-progress");
  if (!box) { return; }
  var url = box.getAttribute("data-status-url");
  var status = box.getAttribute("data-status");
  var bar = document.getElementById("batch-bar");
  var count = document.getElementById("batch-count");
  var template = box.getAttribute("data-count-template") || "";
  // After the one download, show the page as it now is (file gone).
  var download = document.getElementById("download-form");
  if (download) {
    download.addEventListener("submit", function () { window.setTimeout(function () { window.location.reload(); }, 2000); });
  }
  if (status !== "queued" && status !== "running") { return; }

  function poll() {
    fetch(url, { credentials: "same-origin", cache: "no-store" })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (data) {
        bar.max = data.total;
        bar.value = data.done;
        count.textContent = template.replace("{done}", data.done).replace("{total}", data.total);
        if (data.status !== status) { window.location.reload(); return; }
        window.setTimeout(poll, 2000);
      })
      .catch(function () { window.setTimeout(poll, 10000); });
  }
  window.setTimeout(poll, 1000);
})();
