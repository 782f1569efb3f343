/* Progressive enhancement for the comment form: post in place with fetch().
 * Without this file the form posts normally and the server redirects back.
 * Loaded as an external file (the Content-Security-Policy forbids inline code). */
(function () {
  "use strict";

  function init(section) {
    var form = section.querySelector("[data-comment-form]");
    if (!form || !window.fetch || !window.FormData) {
      return;
    }
    var status = form.querySelector("[data-comment-status]");
    var list = section.querySelector("[data-comment-list]");
    var parentField = form.querySelector("input[name='parent']");
    var heading = section.querySelector("[data-reply-heading]");
    var cancel = section.querySelector("[data-cancel-reply]");
    var respond = section.querySelector("#respond");
    var defaultHeading = heading ? heading.textContent : "";
    var respondHome = respond ? respond.parentNode : null;
    var respondNext = respond ? respond.nextSibling : null;

    function say(message, isError) {
      if (!status) { return; }
      status.textContent = message;
      status.classList.toggle("is-error", !!isError);
    }

    function clearForm() {
      var area = form.querySelector("textarea");
      if (area) { area.value = ""; }
      resetReply();
    }

    // The author's statements of reasons (server-rendered, escaped HTML, the
    // same block the page shows): in the status line next to the form, in
    // place of any copy shown higher up; without any, just the message.
    function showNotices(html, message) {
      var holder = document.createElement("template");
      holder.innerHTML = (html || "").trim();
      if (!status || !holder.content.firstElementChild) {
        say(message, false);
        return;
      }
      section.querySelectorAll(".moderation-notices").forEach(function (old) {
        old.remove();
      });
      status.classList.remove("is-error");
      status.replaceChildren(holder.content);
    }

    function resetReply() {
      if (parentField) { parentField.value = ""; }
      if (heading) { heading.textContent = defaultHeading; }
      if (cancel) { cancel.hidden = true; }
      if (respond && respondHome) { respondHome.insertBefore(respond, respondNext); }
    }

    section.addEventListener("click", function (event) {
      var link = event.target.closest("[data-reply-to]");
      if (link && parentField && respond) {
        event.preventDefault();
        parentField.value = link.getAttribute("data-reply-to");
        link.closest("li").appendChild(respond);
        if (cancel) { cancel.hidden = false; }
        var area = form.querySelector("textarea");
        if (area) { area.focus(); }
        return;
      }
      if (event.target.closest("[data-cancel-reply]")) {
        event.preventDefault();
        resetReply();
      }
    });

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var button = form.querySelector("[type='submit']");
      if (button) { button.disabled = true; }
      fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
        headers: { "Accept": "application/json", "X-Requested-With": "fetch" }
      }).then(function (response) {
        return response.json().then(function (data) { return { ok: response.ok, data: data }; });
      }).then(function (result) {
        var data = result.data;
        if (data.token) {  // a fresh form token, also after a refusal
          var token = form.querySelector("[data-security-token]");
          if (token) { token.value = data.token; }
        }
        if (!result.ok || !data.ok) {
          var details = [];
          Object.keys(data.errors || {}).forEach(function (name) {
            details = details.concat(data.errors[name]);
          });
          say([data.message].concat(details).join(" "), true);
          return;
        }
        if (data.refused) {
          // As the page after a no-JS post: the comment is not shown; the
          // statement of reasons (with its appeal link) replaces the line.
          clearForm();
          showNotices(data.notices, data.message);
          return;
        }
        var holder = document.createElement("template");
        holder.innerHTML = (data.html || "").trim();
        var item = holder.content.firstElementChild;
        var target = list;
        if (data.parent) {
          var parentItem = document.getElementById("comment-" + data.parent);
          if (parentItem) {
            target = parentItem.querySelector(":scope > ol.children");
            if (!target) {
              target = document.createElement("ol");
              target.className = "children";
              parentItem.appendChild(target);
            }
          }
        }
        if (item && target && !document.getElementById(item.id)) {
          target.appendChild(item);
        }
        clearForm();
        say(data.message, false);
      }).catch(function () {
        form.submit();
      }).finally(function () {
        if (button) { button.disabled = false; }
      });
    });
  }

  document.querySelectorAll("[data-comments]").forEach(init);
})();
