/* Incident admin, report inlines: picking one of the group's own outlets ticks "is claim" and grades
 * the source F (reliability cannot be judged) unless the editor already graded it; a report whose
 * "is claim" disagrees with its source's kind shows a warning next to the box. */
(function () {
  "use strict";

  function groupMediaIds(checkbox) {
    try {
      return JSON.parse(checkbox.getAttribute("data-group-media-sources") || "[]").map(String);
    } catch (e) {
      return [];
    }
  }

  function partsOf(select) {
    var prefix = select.name.replace(/-source$/, "");
    return {
      checkbox: document.querySelector('input[name="' + prefix + '-is_claim"]'),
      reliability: document.querySelector('select[name="' + prefix + '-source_reliability"]')
    };
  }

  function warn(select, parts) {
    if (!parts.checkbox) {
      return;
    }
    var isGroup = groupMediaIds(parts.checkbox).indexOf(String(select.value)) !== -1;
    var note = parts.checkbox.parentNode.querySelector(".claim-mismatch");
    var message = "";
    if (select.value && isGroup && !parts.checkbox.checked) {
      message = "This source is the group's own media: its report is a claim.";
    } else if (select.value && !isGroup && parts.checkbox.checked) {
      message = "Marked as the group's claim, but this source is not group media.";
    }
    if (!note) {
      note = document.createElement("span");
      note.className = "claim-mismatch";
      note.setAttribute("role", "status");
      parts.checkbox.parentNode.appendChild(note);
    }
    note.textContent = message;
  }

  function sourceChanged(select) {
    var parts = partsOf(select);
    if (!parts.checkbox || !select.value) {
      return;
    }
    var isGroup = groupMediaIds(parts.checkbox).indexOf(String(select.value)) !== -1;
    parts.checkbox.checked = isGroup;
    // Tell the server the default was applied here, so an editor who unticks it is believed.
    var flagName = select.name.replace(/-source$/, "-claim_default_shown");
    if (!document.querySelector('input[name="' + flagName + '"]')) {
      var flag = document.createElement("input");
      flag.type = "hidden";
      flag.name = flagName;
      flag.value = "1";
      parts.checkbox.parentNode.appendChild(flag);
    }
    if (isGroup && parts.reliability && !parts.reliability.value) {
      parts.reliability.value = "F";
    }
    warn(select, parts);
  }

  function isSource(el) {
    return el && el.tagName === "SELECT" && /-source$/.test(el.name || "") && /^reports-/.test(el.name);
  }

  function init() {
    // The source box is a select2 autocomplete: it announces changes through django.jQuery.
    if (window.django && window.django.jQuery) {
      window.django.jQuery(document).on("change", "select", function () {
        if (isSource(this)) {
          sourceChanged(this);
        }
      });
    }
    document.addEventListener("change", function (event) {
      if (isSource(event.target)) {
        sourceChanged(event.target);
      } else if (event.target.name && /^reports-\d+-is_claim$/.test(event.target.name)) {
        var select = document.querySelector('select[name="' + event.target.name.replace(/is_claim$/, "source") + '"]');
        if (select) {
          warn(select, partsOf(select));
        }
      }
    });
    document.querySelectorAll("select").forEach(function (select) {
      if (isSource(select) && select.value) {
        warn(select, partsOf(select));
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
