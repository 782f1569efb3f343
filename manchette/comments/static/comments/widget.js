/*
 * Manchette comments widget: show and post comments on a site that is not
 * Manchette, through the JSON API.
 *
 *   <div data-manchette-thread="42"></div>           (a page id)
 *   <div data-manchette-thread="https://…/article/"></div>   (or its URL)
 *   <script src="https://<manchette>/static/comments/widget.js" defer></script>
 *
 * Optional: data-api="https://<manchette>/api/v1/" on the <script> tag
 * (default: /api/v1/ on the script's own host). The host site must be listed in
 * COMMENTS_WIDGET_ALLOWED_ORIGINS.
 *
 * Everything written by readers is inserted with textContent, never innerHTML.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  var apiBase = (script && script.dataset.api) ||
    new URL("/api/v1/", script ? script.src : window.location.href).href;

  var TEXT = {
    fr: {
      one: "1 réponse", many: "{n} réponses", none: "Aucun commentaire",
      comment: "Commentaire", name: "Nom", email: "E-mail", website: "Site web",
      required: "Votre adresse e-mail ne sera pas publiée. Les champs obligatoires sont indiqués avec *",
      submit: "Laisser un commentaire", reply: "Répondre", more: "Plus de commentaires",
      held: "Votre commentaire est en attente de modération.",
      published: "Votre commentaire est publié.", deleted: "Commentaire supprimé",
      rejected: "Votre commentaire n'a pas été publié. La décision et ses motifs vous sont envoyés par e-mail.",
      replyTo: "en réponse à @", notify: "Me prévenir des réponses par e-mail",
      error: "Le commentaire n'a pas pu être envoyé.", closed: "Les commentaires sont fermés."
    },
    ar: {
      one: "رد واحد", two: "ردّان", few: "{n} ردود", many: "{n} ردًا", other: "{n} رد",
      none: "لا توجد تعليقات", comment: "التعليق", name: "الاسم",
      email: "البريد الإلكتروني", website: "الموقع الإلكتروني",
      required: "لن يتم نشر عنوان بريدك الإلكتروني. الحقول الإلزامية مشار إليها بـ *",
      submit: "أضف تعليقًا", reply: "رد", more: "مزيد من التعليقات",
      held: "تعليقك في انتظار المراجعة.", published: "تم نشر تعليقك.",
      rejected: "لم يُنشر تعليقك. يصلك القرار وأسبابه عبر البريد الإلكتروني.",
      deleted: "تم حذف التعليق", replyTo: "ردًا على @",
      notify: "أعلمني بالردود عبر البريد الإلكتروني",
      error: "تعذّر إرسال التعليق.", closed: "التعليقات مغلقة."
    },
    en: {
      one: "1 response", many: "{n} responses", none: "No comments yet",
      comment: "Comment", name: "Name", email: "Email", website: "Website",
      required: "Your email address will not be published. Required fields are marked *",
      submit: "Post comment", reply: "Reply", more: "More comments",
      held: "Your comment is awaiting moderation.", published: "Your comment is published.",
      rejected: "Your comment was not published. The decision and its reasons are sent to you by email.",
      deleted: "Comment deleted", replyTo: "in reply to @", notify: "Notify me of replies by email",
      error: "Your comment could not be posted.", closed: "Comments are closed."
    }
  };

  function t(lang) { return TEXT[lang] || TEXT.fr; }

  function countLabel(lang, n) {
    var s = t(lang);
    if (n === 0) { return s.none; }
    if (lang === "ar") {
      var mod = n % 100;
      var form = n === 1 ? s.one : n === 2 ? s.two :
        (mod >= 3 && mod <= 10) ? s.few : (mod >= 11 && mod <= 99) ? s.many : s.other;
      return form.replace("{n}", String(n));
    }
    return n === 1 ? s.one : s.many.replace("{n}", String(n));
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) { node.setAttribute(key, attrs[key]); });
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  function safeHref(url) {
    try {
      var parsed = new URL(url);
      return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.href : null;
    } catch (e) { return null; }
  }

  function renderComment(lang, c) {
    var item = el("li", { "class": "mc-comment", "data-depth": String(c.depth) });
    if (!c.visible) {
      item.appendChild(el("p", { "class": "mc-placeholder" }, t(lang).deleted));
      return item;
    }
    item.id = "comment-" + c.id;
    var meta = el("div", { "class": "mc-meta" });
    if (c.avatar && c.avatar.indexOf("data:image/svg+xml;base64,") === 0) {
      meta.appendChild(el("img", { "class": "mc-avatar", alt: "", width: "32", height: "32", src: c.avatar }));
    }
    var href = c.author_url ? safeHref(c.author_url) : null;
    var name = href ? el("a", { href: href, rel: "nofollow ugc noopener" }) : el("span");
    name.appendChild(el("bdi", {}, c.author_name));
    meta.appendChild(name);
    var time = el("time", { datetime: c.submitted_at }, new Date(c.submitted_at).toLocaleString(lang));
    var permalink = safeHref(c.permalink);
    var link = permalink ? el("a", { href: permalink }) : el("span");
    link.appendChild(time);
    meta.appendChild(link);
    item.appendChild(meta);
    var body = el("div", { "class": "mc-body", dir: "auto" });
    if (c.reply_to_name) {
      body.appendChild(el("p", { "class": "mc-reply-to" }, t(lang).replyTo + c.reply_to_name));
    }
    c.body.split(/\n{2,}/).forEach(function (para) {
      body.appendChild(el("p", {}, para));
    });
    item.appendChild(body);
    return item;
  }

  function Thread(root) {
    this.root = root;
    this.ref = root.getAttribute("data-manchette-thread") || "";
    this.lang = "fr";
    this.cursor = null;
    this.parentId = null;
  }

  Thread.prototype.api = function (path, options) {
    options = options || {};
    options.credentials = "omit";
    options.headers = Object.assign({ Accept: "application/json" }, options.headers || {});
    return fetch(apiBase + path, options).then(function (response) {
      return response.json().then(function (data) {
        if (!response.ok) { var error = new Error(data.detail || "error"); error.problem = data; throw error; }
        return data;
      });
    });
  };

  Thread.prototype.start = function () {
    var self = this;
    var ref = /^\d+$/.test(this.ref) ? Promise.resolve({ page_id: Number(this.ref) }) :
      this.api("pages/lookup?url=" + encodeURIComponent(this.ref || window.location.href));
    return ref.then(function (found) {
      self.pageId = found.page_id;
      return self.load();
    }).catch(function (error) { self.status(error.message, true); });
  };

  Thread.prototype.load = function () {
    var self = this;
    var query = "pages/" + this.pageId + "/comments" + (this.cursor ? "?cursor=" + encodeURIComponent(this.cursor) : "");
    return this.api(query).then(function (data) {
      if (!self.list) { self.build(data); }
      data.threads.forEach(function (thread) {
        var group = el("ol", { "class": "mc-thread" });
        group.appendChild(renderComment(self.lang, thread.root));
        thread.replies.forEach(function (reply) { group.appendChild(renderComment(self.lang, reply)); });
        self.list.appendChild(group);
      });
      self.cursor = data.next_cursor;
      self.more.hidden = !self.cursor;
    });
  };

  Thread.prototype.build = function (data) {
    var self = this;
    this.lang = data.language;
    var s = t(this.lang);
    this.root.textContent = "";
    this.root.setAttribute("lang", data.language);
    this.root.setAttribute("dir", data.direction);
    this.root.classList.add("mc-widget");
    this.root.appendChild(el("h2", { "class": "mc-count" }, countLabel(this.lang, data.count)));
    this.list = el("div", { "class": "mc-list" });
    this.root.appendChild(this.list);
    this.more = el("button", { type: "button", "class": "mc-more" }, s.more);
    this.more.addEventListener("click", function () { self.load(); });
    this.root.appendChild(this.more);
    this.notice = el("p", { "class": "mc-notice", role: "status" });
    this.root.appendChild(this.notice);
    if (data.open) { this.root.appendChild(this.form()); } else { this.status(s.closed, false); }
  };

  Thread.prototype.status = function (message, isError) {
    if (!this.notice) { this.notice = el("p", { "class": "mc-notice", role: "status" }); this.root.appendChild(this.notice); }
    this.notice.textContent = message;
    this.notice.classList.toggle("mc-error", Boolean(isError));
  };

  Thread.prototype.form = function () {
    var self = this;
    var s = t(this.lang);
    var form = el("form", { "class": "mc-form", novalidate: "" });
    form.appendChild(el("p", { "class": "mc-required" }, s.required));
    function field(name, label, type, required) {
      var id = "mc-" + self.pageId + "-" + name;
      var wrap = el("p");
      wrap.appendChild(el("label", { "for": id }, label + (required ? " *" : "")));
      var input = type === "textarea" ? el("textarea", { id: id, name: name, rows: "6", dir: "auto" }) :
        el("input", { id: id, name: name, type: type });
      if (required) { input.required = true; }
      wrap.appendChild(input);
      form.appendChild(wrap);
    }
    field("body", s.comment, "textarea", true);
    field("author_name", s.name, "text", true);
    field("author_email", s.email, "email", true);
    field("author_url", s.website, "url", false);
    var trap = el("input", { name: "homepage", type: "text", tabindex: "-1", autocomplete: "off", "class": "mc-hp", "aria-hidden": "true" });
    form.appendChild(trap);
    var notify = el("p");
    var box = el("input", { type: "checkbox", name: "notify_replies", id: "mc-" + self.pageId + "-notify" });
    notify.appendChild(box);
    notify.appendChild(el("label", { "for": box.id }, s.notify));
    form.appendChild(notify);
    form.appendChild(el("button", { type: "submit" }, s.submit));
    this.api("pages/" + this.pageId + "/comments/form-token").then(function (data) { self.token = data.token; });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var values = new FormData(form);
      var payload = {
        body: values.get("body") || "", author_name: values.get("author_name") || "",
        author_email: values.get("author_email") || "", author_url: values.get("author_url") || "",
        homepage: values.get("homepage") || "", notify_replies: box.checked,
        parent_id: self.parentId, token: self.token || ""
      };
      var key = (window.crypto && window.crypto.randomUUID) ? window.crypto.randomUUID() : String(Date.now());
      form.querySelector("button[type=submit]").disabled = true;
      self.api("pages/" + self.pageId + "/comments", {
        method: "POST",
        headers: { "Content-Type": "application/json", "Idempotency-Key": key },
        body: JSON.stringify(payload)
      }).then(function (data) {
        var refused = data.status === "rejected";
        self.status(data.status === "approved" ? s.published : refused ? s.rejected : s.held, refused);
        if (data.comment) { self.list.appendChild(renderComment(self.lang, data.comment)); }
        form.reset();
      }).catch(function (error) {
        self.status(error.message || s.error, true);
      }).then(function () {
        form.querySelector("button[type=submit]").disabled = false;
        return self.api("pages/" + self.pageId + "/comments/form-token").then(function (data) { self.token = data.token; });
      });
    });
    return form;
  };

  function init() {
    var roots = document.querySelectorAll("[data-manchette-thread]");
    Array.prototype.forEach.call(roots, function (root) { new Thread(root).start(); });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
