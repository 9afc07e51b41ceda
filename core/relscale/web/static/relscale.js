/* relscale's page script: the respondent's questionnaire (one statement per screen, each
   answer saved as it is given, read aloud) and nothing else. Plain JavaScript, no library,
   served from this site only (the Content-Security-Policy allows no other script). Without
   it every page still works: each answer is then a form post. */
"use strict";
document.documentElement.classList.add("js");

(function () {
  function csrfOf(form) {
    var field = form.querySelector('input[name="csrf"]');
    return field ? field.value : "";
  }

  function save(url, csrf, item, value) {
    var body = new URLSearchParams();
    body.set("csrf", csrf);
    body.set("item", item);
    body.set("value", value);
    return fetch(url, {
      method: "POST", body: body, credentials: "same-origin", keepalive: true,
      headers: { "Accept": "application/json", "X-CSRF-Token": csrf }
    }).then(function (response) {
      if (!response.ok) { throw new Error(String(response.status)); }
      return response.json();
    });
  }

  function speak(text, lang) {
    if (!("speechSynthesis" in window)) { return; }
    window.speechSynthesis.cancel();
    var utterance = new SpeechSynthesisUtterance(text);
    utterance.lang = lang;
    utterance.rate = 0.9;
    window.speechSynthesis.speak(utterance);
  }

  function single(root) {
    var sections = Array.prototype.slice.call(root.querySelectorAll(".statement"));
    var total = Number(root.dataset.total);
    var lang = root.dataset.lang || document.documentElement.lang;
    var status = document.getElementById("save-status");
    var progress = document.getElementById("progress");
    var progressText = document.getElementById("progress-text");
    var endCount = document.getElementById("end-count");
    var current = 0;

    function answered() {
      return root.querySelectorAll('.statement button.answer[aria-pressed="true"]').length;
    }

    function updateProgress() {
      var n = answered();
      progress.value = n;
      var text = progressText.textContent.replace(/\d+/, String(n));
      progressText.textContent = text;
      if (endCount) { endCount.textContent = text; }
    }

    function show(index, focus) {
      if (window.speechSynthesis) { window.speechSynthesis.cancel(); }
      sections.forEach(function (section, k) { section.classList.toggle("current", k === index); });
      current = index;
      if (focus) {
        var heading = sections[index].querySelector("h2");
        if (heading) { heading.focus(); }
      }
      var url = new URL(window.location.href);
      url.hash = sections[index].id;
      window.history.replaceState(null, "", url.toString());
    }

    sections.forEach(function (section, index) {
      var form = section.querySelector("form.answers");
      if (form) {
        form.addEventListener("submit", function (event) {
          event.preventDefault();
          var button = event.submitter;
          if (!button || button.disabled) { return; }
          var buttons = form.querySelectorAll("button.answer");
          buttons.forEach(function (b) { b.disabled = true; });
          save(form.action, csrfOf(form), section.dataset.item, button.value).then(function () {
            buttons.forEach(function (b) {
              b.setAttribute("aria-pressed", b === button ? "true" : "false");
              b.classList.toggle("chosen", b === button);
            });
            status.classList.remove("error");
            status.textContent = root.dataset.answeredLabel;
            updateProgress();
            show(Math.min(index + 1, sections.length - 1), true);
          }).catch(function () {
            status.classList.add("error");
            status.textContent = root.dataset.errorLabel;
          }).finally(function () {
            buttons.forEach(function (b) { b.disabled = false; });
          });
        });
      }
      section.querySelectorAll("button.back").forEach(function (back) {
        back.addEventListener("click", function () {
          status.textContent = "";
          show(Math.max(index - 1, 0), true);
        });
      });
      var reader = section.querySelector("button.read-aloud");
      if (reader && "speechSynthesis" in window) {
        reader.hidden = false;
        reader.addEventListener("click", function () {
          var parts = [section.querySelector(".statement-text").textContent];
          section.querySelectorAll(".answer-text").forEach(function (a) { parts.push(a.textContent); });
          speak(parts.join(". "), lang);
        });
      }
    });

    // Start at the statement the address names, else at the first one not yet answered.
    var start = sections.findIndex(function (s) { return "#" + s.id === window.location.hash; });
    if (start < 0) {
      start = sections.findIndex(function (s) {
        return s.querySelector("form.answers") && !s.querySelector('button.answer[aria-pressed="true"]');
      });
    }
    if (start < 0) { start = sections.length - 1; }
    show(start, false);
    if (total !== sections.length - 1) { status.textContent = ""; }
  }

  function all(root) {
    var status = document.getElementById("save-status");
    var csrf = csrfOf(root);
    root.addEventListener("change", function (event) {
      var input = event.target;
      if (!input || input.type !== "radio") { return; }
      var item = input.name.replace(/^a\./, "");
      save(root.dataset.answerUrl, csrf, item, input.value).then(function () {
        status.classList.remove("error");
        status.textContent = root.dataset.answeredLabel;
      }).catch(function () {
        status.classList.add("error");
        status.textContent = root.dataset.errorLabel;
      });
    });
  }

  function start() {
    var root = document.getElementById("questionnaire");
    if (!root) { return; }
    if (root.dataset.mode === "single") { single(root); } else { all(root); }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
