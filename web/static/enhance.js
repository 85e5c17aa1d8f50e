/*
 * Small enhancements, loaded as an external file (the CSP allows no inline script). Every page
 * works without this file: it only moves focus after htmx swaps, takes the error summary's links
 * to their fields, and adds the copy button.
 */
(function () {
  'use strict';

  // After htmx swaps in new content (errors, a new security code, another page's message), move
  // focus to what changed, so screen reader users hear it: the error summary, the code field after
  // a refresh, or the new content's heading.
  document.addEventListener('htmx:afterSettle', function () {
    var target = document.querySelector('[data-autofocus]');
    if (target) {
      target.removeAttribute('data-autofocus');
      target.focus();
    }
    setUpCopyButtons(document);
  });

  // An error summary's link goes to its field: focus the field itself (a fragment link only
  // scrolls), and bring its label into view above it, as the label says what to type.
  document.addEventListener('click', function (event) {
    var link = event.target instanceof Element ? event.target.closest('#resume-erreurs a[href^="#"]') : null;
    if (!link) return;
    var field = document.getElementById(link.getAttribute('href').slice(1));
    if (!field) return;
    event.preventDefault();
    var label = document.querySelector('label[for="' + field.id + '"]');
    field.focus({ preventScroll: true });
    (label || field).scrollIntoView({ block: 'start' });
  });

  function setUpCopyButtons(root) {
    var buttons = root.querySelectorAll('[data-copy-target]');
    for (var i = 0; i < buttons.length; i++) {
      if (navigator.clipboard && window.isSecureContext) buttons[i].hidden = false;
    }
  }

  /** Says the copy's result in the role=status region (emptied first, so a second copy is heard again). */
  function tell(status, text, kind) {
    if (!status) return;
    status.textContent = '';
    var message = document.createElement('p');
    message.className = 'fr-message fr-message--' + kind;
    message.textContent = text;
    window.setTimeout(function () {
      status.appendChild(message);
    }, 50);
  }

  document.addEventListener('click', function (event) {
    var button = event.target instanceof Element ? event.target.closest('[data-copy-target]') : null;
    if (!button) return;
    var source = document.getElementById(button.getAttribute('data-copy-target'));
    var status = document.getElementById(button.getAttribute('data-copy-status'));
    if (!source) return;
    var text = source.textContent.trim();
    navigator.clipboard.writeText(text).then(
      function () {
        tell(status, button.getAttribute('data-copied'), 'valid');
      },
      function () {
        tell(status, button.getAttribute('data-copy-failed'), 'error');
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
