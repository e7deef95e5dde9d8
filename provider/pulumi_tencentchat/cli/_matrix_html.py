"""``tencentchat matrix --format html``: one self-contained page of the matrix.

No external asset of any kind (a Content-Security-Policy forbids loading one), so the file
works offline and can be mailed or attached to a ticket. Granted rights are coloured and carry
a mark, so the page also reads in black and white; printing hides the filter and keeps the
colours. A filter by member (inline JavaScript over data embedded in the page) shows only that
member's permission groups and a column of their effective rights with the sources.
"""

from __future__ import annotations

import json
from html import escape

from ..matrix import (
    DEFAULT,
    NOT_FOLDED,
    Matrix,
    MemberRights,
    community_rights,
    topic_rights,
)
from ._matrix_table import NOT_SHOWN, SWITCHED_OFF

STYLE = """
:root { --on: #1b7f3b; --on-bg: #d9f2df; --off: #9aa0a6; --line: #d0d4d9; --head: #f3f4f6; }
* { box-sizing: border-box; }
body { font: 14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1f2328;
       margin: 24px; background: #fff; }
h1 { font-size: 20px; margin: 0 0 4px; }
.meta { color: #57606a; margin: 0 0 12px; }
.warn { background: #fff4d6; border: 1px solid #e5c56b; padding: 6px 10px; }
.filter { margin: 12px 0; }
.filter select { font: inherit; padding: 2px 4px; }
#member-groups { color: #57606a; margin-left: 8px; }
table { border-collapse: collapse; }
th, td { border: 1px solid var(--line); padding: 3px 8px; }
thead th { background: var(--head); vertical-align: bottom; text-align: center; }
thead small { display: block; font-weight: normal; color: #57606a; }
tbody th[scope=row] { text-align: left; font-weight: normal; white-space: nowrap; }
tr.scope-title th { background: #e8eaee; text-align: left; font-weight: 600; }
tr.scope-title code { font-weight: normal; color: #57606a; margin-left: 6px; }
td { text-align: center; }
td.on { background: var(--on-bg); color: var(--on); font-weight: 700; }
td.off { color: var(--off); }
td.na { color: var(--off); background: #fafafa; }
td.eff { text-align: left; white-space: nowrap; }
th.eff, td.eff { border-left: 3px solid #57606a; }
footer { color: #57606a; margin-top: 16px; max-width: 60em; }
[hidden] { display: none !important; }
@media print {
  body { margin: 0; font-size: 11px; }
  .filter { display: none; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  tr { break-inside: avoid; }
}
"""

SCRIPT = """
(function () {
  var data = JSON.parse(document.getElementById('members').textContent);
  var select = document.getElementById('member');
  var note = document.getElementById('member-groups');
  function show(account) {
    var m = account ? data[account] : null;
    document.querySelectorAll('[data-pg]').forEach(function (el) {
      el.hidden = !!m && m.groups.indexOf(el.getAttribute('data-pg')) < 0;
    });
    document.querySelectorAll('.eff').forEach(function (el) { el.hidden = !m; });
    document.querySelectorAll('.who').forEach(function (el) { el.textContent = account; });
    document.querySelectorAll('tr[data-right]').forEach(function (row) {
      var cell = row.querySelector('td.eff');
      var rights = m ? (m.rights[row.getAttribute('data-scope')] || {}) : {};
      var sources = rights[row.getAttribute('data-right')];
      cell.textContent = !m ? '' : sources ? '\\u2713 ' + sources.join(', ') : '\\u00b7';
      cell.className = 'eff ' + (sources ? 'on' : 'off');
    });
    note.textContent = !m ? '' : m.names.length ? 'member of ' + m.names.join(', ')
      : 'in no permission group: the default applies';
    document.body.classList.toggle('filtered', !!m);
  }
  select.addEventListener('change', function () { show(select.value); });
  show(select.value);
})();
"""

# Nothing may be loaded from anywhere: styles and the script are inline, there are no images.
CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'"


def _json_for_script(value: object) -> str:
    """JSON that cannot end its <script> element or open a comment inside it."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


def _member_data(matrix: Matrix, rights: MemberRights) -> dict[str, object]:
    def label(source: str) -> str:
        return DEFAULT if source == DEFAULT else matrix.group(source).name or source

    scopes = {"": rights.community, **rights.topics}
    return {"groups": list(rights.permission_groups),
            "names": [label(g) for g in rights.permission_groups],
            "rights": {scope: {g.right: [label(s) for s in g.sources] for g in grants}
                       for scope, grants in scopes.items()}}


def render_html(matrix: Matrix, member: str | None = None) -> str:
    """The page; ``member`` is preselected in the filter (added when in no group)."""
    accounts = dict(matrix.members)
    if member is not None and member not in accounts:
        accounts[member] = matrix.rights(member)
    data = {a: _member_data(matrix, r) for a, r in sorted(accounts.items())}
    title = matrix.community_name or matrix.group_id
    switch = "on" if matrix.enable_permission_groups else "off"
    taken = escape(matrix.taken_at)
    out = [
        "<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Who may do what: {escape(title)}</title>", f"<style>{STYLE}</style>",
        "</head>", "<body>", "<header>",
        f"<h1>Who may do what in {escape(title)}</h1>",
        f'<p class="meta">Community <code>{escape(matrix.group_id)}</code> · read '
        f'<time datetime="{taken}">{taken}</time> · permission groups '
        f"<strong>{switch}</strong></p>", "</header>"]
    if not matrix.enable_permission_groups:
        out.append(f'<p class="warn">{escape(SWITCHED_OFF)}</p>')
    options = "".join(f'<option value="{escape(a)}"{" selected" if a == member else ""}>'
                      f"{escape(a)}</option>" for a in data)
    out += ['<div class="filter"><label for="member">Show the rights of</label> '
            '<select id="member"><option value="">every permission group</option>'
            f'{options}</select><span id="member-groups"></span></div>']
    out += _table(matrix)
    out += ["<footer>", f"<p>{escape(NOT_FOLDED)}</p>", f"<p>{escape(NOT_SHOWN)}</p>",
            "<p>Read by <code>tencentchat matrix</code>, which changes nothing.</p>",
            "</footer>",
            f'<script type="application/json" id="members">{_json_for_script(data)}</script>',
            f"<script>{SCRIPT}</script>", "</body>", "</html>"]
    return "\n".join(out) + "\n"


def _table(matrix: Matrix) -> list[str]:
    span = len(matrix.groups) + 3
    head = ['<th scope="col">Right</th>',
            '<th scope="col" class="default">Default<small>everyone but the owner</small></th>']
    for g in matrix.groups:
        count = f"{g.member_count} member{'' if g.member_count == 1 else 's'}"
        head.append(f'<th scope="col" data-pg="{escape(g.permission_group_id)}">'
                    f"{escape(g.name)}<small>{escape(g.permission_group_id)} · {count}</small>"
                    "</th>")
    head.append('<th scope="col" class="eff" hidden>Effective for <span class="who"></span>'
                "<small>and where each right comes from</small></th>")
    out = ['<table id="matrix">', f"<thead><tr>{''.join(head)}</tr></thead>"]
    scopes = [("", "Community-wide", community_rights(matrix))]
    scopes += [(t.topic_id, f"Topic {t.topic_name or '(not listed)'}",
                topic_rights(matrix, t.topic_id)) for t in matrix.topics]
    for scope, title, rights in scopes:
        code = f"<code>{escape(scope)}</code>" if scope else ""
        out.append(f'<tbody data-scope="{escape(scope)}"><tr class="scope-title">'
                   f'<th colspan="{span}">{escape(title)}{code}</th></tr>')
        for right in rights:
            cells = [f'<th scope="row">{escape(right)}</th>']
            if scope:
                cells.append('<td class="na" title="topic defaults are not readable">–</td>')
            else:
                cells.append(_cell(right in matrix.default))
            for g in matrix.groups:
                granted = right in (g.topics.get(scope, ()) if scope else g.community)
                cells.append(_cell(granted, g.permission_group_id))
            cells.append('<td class="eff" hidden></td>')
            out.append(f'<tr data-scope="{escape(scope)}" data-right="{escape(right)}">'
                       f"{''.join(cells)}</tr>")
        out.append("</tbody>")
    out.append("</table>")
    return out


def _cell(granted: bool, permission_group_id: str | None = None) -> str:
    pg = f' data-pg="{escape(permission_group_id)}"' if permission_group_id else ""
    return (f'<td class="on"{pg} title="granted">✓</td>' if granted
            else f'<td class="off"{pg} title="not granted">·</td>')
