/*
 * Small enhancements, loaded as an external file (the CSP allows no inline script). Every page
 * works without this file: it only moves focus after htmx swaps and adds the copy button.
 */
(function () {
  'use strict';

  // After htmx swaps in new content (errors, a new security code), move focus to what changed,
  // so screen reader users hear it: the error summary, or the code field after a refresh.
  document.addEventListener('htmx:afterSettle', function () {
    var target = document.querySelector('[data-autofocus]');
    if (target) {
      target.removeAttribute('data-autofocus');
      target.focus();
    }
  });

  function setUpCopyButtons(root) {
    var buttons = root.querySelectorAll('[data-copy-target]');
    for (var i = 0; i < buttons.length; i++) {
      if (navigator.clipboard && window.isSecureContext) buttons[i].hidden = false;
    }
  }

  document.addEventListener('click', function (event) {
    var button = event.target instanceof Element ? event.target.closest('[data-copy-target]') : null;
    if (!button) return;
    var source = document.getElementById(button.getAttribute('data-copy-target'));
    var status = document.getElementById('copie-statut');
    if (!source) return;
    var text = source.textContent.trim();
    navigator.clipboard.writeText(text).then(
      function () {
        if (status) status.textContent = button.getAttribute('data-copied');
      },
      function () {
        if (status) status.textContent = button.getAttribute('data-copy-failed');
        var range = document.createRange();
        range.selectNodeContents(source);
        var selection = window.getSelection();
        selection.removeAllRanges();
        selection.addRange(range);
      },
    );
  });

  // A page shown once (the new identifier) must not come back from the back-forward cache.
  window.addEventListener('pageshow', function (event) {
    if (event.persisted && document.querySelector('[data-no-bfcache]')) window.location.reload();
  });

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', function () {
      setUpCopyButtons(document);
    });
  } else {
    setUpCopyButtons(document);
  }
})();
