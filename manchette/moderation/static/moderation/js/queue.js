// Keyboard shortcuts for the moderation queue: j/k move between comments,
// a approve, r reject, s spam. Every action is also a plain form button, so
// the queue works without this file (and with Enter/Space on focused buttons).
// A letter typed in a Latin layout counts as itself (AZERTY's "a" approves);
// a key typed in another script (an Arabic layout sends "ش" for the A key)
// counts as the letter at its place on a US keyboard (event.code "KeyA").
(function () {
    "use strict";
    var form = document.querySelector("[data-moderation-queue]");
    if (!form) {
        return;
    }
    var items = Array.prototype.slice.call(
        form.querySelectorAll("[data-moderation-item]")
    );
    if (!items.length) {
        return;
    }
    var current = -1;

    function focusItem(index) {
        if (index < 0 || index >= items.length) {
            return;
        }
        if (current >= 0) {
            items[current].classList.remove("is-current");
        }
        current = index;
        items[current].classList.add("is-current");
        items[current].focus();
        items[current].scrollIntoView({ block: "nearest" });
    }

    function itemOf(element) {
        return element && element.closest
            ? element.closest("[data-moderation-item]")
            : null;
    }

    form.addEventListener("focusin", function (event) {
        var item = itemOf(event.target);
        if (item) {
            var index = items.indexOf(item);
            if (index !== current) {
                if (current >= 0) {
                    items[current].classList.remove("is-current");
                }
                current = index;
                item.classList.add("is-current");
            }
        }
    });

    function shortcutOf(event) {
        var key = String(event.key || "").toLowerCase();
        if (/^[a-z]$/.test(key)) {
            return key;
        }
        var place = /^Key([A-Z])$/.exec(String(event.code || ""));
        return place ? place[1].toLowerCase() : "";
    }

    document.addEventListener("keydown", function (event) {
        if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey || event.isComposing) {
            return;
        }
        var target = event.target;
        var tag = target && target.tagName ? target.tagName.toLowerCase() : "";
        if (tag === "input" || tag === "textarea" || tag === "select" || (target && target.isContentEditable)) {
            return;
        }
        var key = shortcutOf(event);
        if (key === "j") {
            event.preventDefault();
            focusItem(current < 0 ? 0 : current + 1);
        } else if (key === "k") {
            event.preventDefault();
            focusItem(current < 0 ? 0 : current - 1);
        } else if (key === "a" || key === "r" || key === "s") {
            if (current < 0) {
                return;
            }
            var button = items[current].querySelector('[data-shortcut="' + key + '"]');
            if (button) {
                event.preventDefault();
                button.click();
            }
        }
    });
})();
