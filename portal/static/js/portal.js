/* Runs on every admin page. The Content-Security-Policy lets no inline event
   handler run; Flask-Admin's templates still write a few ("return false;",
   the delete confirmation). They are taken off before any click and bound
   here instead, and links to "javascript:void(0)" (menus opened by script)
   never navigate. */
(function () {
  function rebind(root) {
    root.querySelectorAll('[onclick]').forEach(function (element) {
      var code = element.getAttribute('onclick');
      element.removeAttribute('onclick');
      var confirmation = /safeConfirm\('((?:[^'\\]|\\.)*)'\)/.exec(code);
      element.addEventListener('click', function (event) {
        if (confirmation) {
          var question = confirmation[1].replace(/\\(.)/g, '$1');
          if (!window.confirm(question)) { event.preventDefault(); event.stopImmediatePropagation(); }
        } else if (/^\s*return false;?\s*$/.test(code)) {
          event.preventDefault();
        }
      });
    });
  }
  document.addEventListener('click', function (event) {
    var link = event.target.closest && event.target.closest('a[href^="javascript:"]');
    if (link) { event.preventDefault(); }
  });
  rebind(document);
  new MutationObserver(function (changes) {
    changes.forEach(function (change) {
      change.addedNodes.forEach(function (node) { if (node.querySelectorAll) { rebind(node); } });
    });
  }).observe(document.documentElement, {childList: true, subtree: true});
})();
