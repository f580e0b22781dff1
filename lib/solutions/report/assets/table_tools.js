/* Sorting and a row filter for the report's static tables marked `sos-sortable` (the global page's key
   indicators). Progressive enhancement: without JavaScript the table is complete and readable (cards on a
   phone); with it, each column header is a button that sorts the rows within each run under a row heading
   (an indicator), and a search box keeps the rows whose text (or whose heading's) contains what is typed.
   A classic script (no module, no network): it works from a page opened from disk, on both renderers. */
(function () {
  'use strict';

  function key(cell) {
    var text = (cell ? cell.textContent : '').replace(/[\u2020,%]/g, '').replace(/\u2212/g, '-').trim();
    var m = /^[+-]?\d+(?:\.\d+)?/.exec(text);
    return m ? {num: parseFloat(m[0]), text: text} : {num: null, text: text.toLowerCase()};
  }

  function compare(a, b) {
    if (a.num !== null && b.num !== null) return a.num - b.num;
    if (a.num !== null) return -1;
    if (b.num !== null) return 1;
    return a.text < b.text ? -1 : a.text > b.text ? 1 : 0;
  }

  function runs(tbody) {
    var out = [{head: null, rows: []}];
    Array.prototype.forEach.call(tbody.rows, function (tr) {
      if (tr.classList.contains('sos-group-row')) out.push({head: tr, rows: []});
      else out[out.length - 1].rows.push(tr);
    });
    return out.filter(function (r) { return r.head || r.rows.length; });
  }

  function enhance(table, n) {
    var tbody = table.tBodies[0];
    if (!tbody || !table.tHead) return;
    var total = 0;
    runs(tbody).forEach(function (run) {
      run.rows.forEach(function (tr) { tr.setAttribute('data-sos-order', String(total++)); });
    });
    var heads = Array.prototype.slice.call(table.tHead.rows[0].cells);

    function sort(column, descending) {
      runs(tbody).forEach(function (run) {
        var rows = run.rows.slice().sort(function (a, b) {
          var ka = key(a.cells[column]), kb = key(b.cells[column]);
          if (!ka.text && kb.text) return 1;  // blanks last, whatever the direction
          if (ka.text && !kb.text) return -1;
          var c = compare(ka, kb) * (descending ? -1 : 1);
          return c || (+a.getAttribute('data-sos-order') - +b.getAttribute('data-sos-order'));
        });
        if (run.head) tbody.appendChild(run.head);
        rows.forEach(function (tr) { tbody.appendChild(tr); });
      });
    }

    heads.forEach(function (th, column) {
      var button = document.createElement('button');
      button.type = 'button';
      button.className = 'sos-sort';
      while (th.firstChild) button.appendChild(th.firstChild);
      th.appendChild(button);
      button.addEventListener('click', function () {
        var descending = th.getAttribute('aria-sort') === 'ascending';
        heads.forEach(function (other) { other.removeAttribute('aria-sort'); });
        th.setAttribute('aria-sort', descending ? 'descending' : 'ascending');
        sort(column, descending);
      });
    });

    var tools = document.createElement('div');
    tools.className = 'sos-table-tools';
    var id = 'sos-filter-' + n;
    var label = document.createElement('label');
    label.htmlFor = id;
    label.textContent = 'Show rows containing ';
    var input = document.createElement('input');
    input.type = 'search';
    input.id = id;
    var status = document.createElement('span');
    status.className = 'sos-filter-status';
    status.setAttribute('aria-live', 'polite');
    tools.appendChild(label);
    tools.appendChild(input);
    tools.appendChild(status);
    var hint = document.createElement('span');
    hint.className = 'sos-sort-hint';
    hint.textContent = 'Select a column heading to sort the rows under each indicator.';
    tools.appendChild(hint);
    var wrap = table.closest('.sos-table-wrap') || table;  // after the caption, above the scrolling box
    wrap.parentNode.insertBefore(tools, wrap);

    input.addEventListener('input', function () {
      var q = input.value.trim().toLowerCase();
      var shown = 0;
      runs(tbody).forEach(function (run) {
        var all = !q || (run.head && run.head.textContent.toLowerCase().indexOf(q) >= 0);
        var any = false;
        run.rows.forEach(function (tr) {
          var on = all || tr.textContent.toLowerCase().indexOf(q) >= 0;
          tr.style.display = on ? '' : 'none';
          if (on) { any = true; shown++; }
        });
        if (run.head) run.head.style.display = any ? '' : 'none';
      });
      status.textContent = q ? ' ' + shown + ' of ' + total + ' rows' : '';
    });
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll('table.sos-sortable'), enhance);
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
