"""The chapter views: what a notebook shows for each part of the CSA, built from the HTML primitives."""

from __future__ import annotations

from typing import Iterable

from csabook.figures import charts, theme
from csabook.html.primitives import Html, bullets, figure, heading, inline, join, paragraphs, table
from csabook.model.markup import escape


def version_table(vc) -> Html:
    """The version-control table: each version's summary followed by its list of changes."""
    import pandas as pd

    rows = [{vc.columns[0]: v.version, vc.columns[1]: v.date, vc.columns[2]: [v.summary, *v.changes]}
            for v in vc.versions]
    return table(pd.DataFrame(rows, columns=vc.columns), "Versions of the Kent Community Safety Agreement")


def signatory(person) -> Html:
    lines = "<br>".join(escape(x) for x in [person.name, *person.roles])
    return Html(f'<p class="csa-signatory"><strong>{lines}</strong></p>')


def pestelo_grid(categories) -> Html:
    """The horizon scan as a grid of seven PESTELO cards."""
    cards = []
    for cat in categories:
        body = "".join((f"<p>{inline(g.intro)}</p>" if g.intro else "") + bullets(g.items).markup for g in cat.groups)
        cards.append(f'<section class="csa-card"><h2>{escape(cat.name)}</h2>{body}</section>')
    return Html(f'<div class="csa-grid">{"".join(cards)}</div>')


def contact(c) -> Html:
    email = escape(c.email)
    return paragraphs(c.paragraphs) + Html(
        f'<ul class="csa-contact"><li>Email: <a href="mailto:{email}">{email}</a></li>'
        f"<li>Tel: {escape(c.telephone)}</li></ul>") + (paragraphs([c.note]) if c.note else Html())


def bar_figure(labels: list[str], values: list[int], axis: str, subject: str, caption: str,
               xmax: int | None = None, label: str = "Item") -> Html:
    """A bar chart figure whose text equivalent lists every bar: 'Bar chart of <subject>: <label> <value>, ...';
    its data is one click away, as a table (`label`: the heading of the bars' column) in a collapsed element."""
    import pandas as pd

    alt = f"Bar chart of {subject}: " + ", ".join(f"{name} {value}" for name, value in zip(labels, values)) + "."
    data = pd.DataFrame({label: labels, axis: values})
    return (figure(charts.bar_chart(labels, values, axis, alt, xmax=xmax), caption)
            + Html('<details class="csa-chart-data"><summary>Show this chart as a table</summary>')
            + table(data, f"The chart's data: {caption.rstrip('.')}", numeric=[axis]) + Html("</details>"))


def origin_note(data, *names: str) -> Html:
    """Say whether this content is local or the county's (district editions), and whether it awaits review."""
    return _origin(data, *names) + review_note(data, *names)


def review_note(data, *names: str) -> Html:
    """A draft banner when any of the files shown was carried over from an earlier year and is not yet reviewed."""
    from csabook.model.review import pending_review

    pending = pending_review(data, *names)
    if not pending:
        return Html()
    years = ", ".join(sorted({str(p.from_year) for p in pending}))
    return Html(f'<div class="csa-review" role="note"><p><strong>Draft: this content was carried over from {years} '
                f"and has not been reviewed for {escape(data.year)}.</strong> To update:</p>"
                f"{_pending_list(pending, with_year=False)}</div>")


def _origin(data, *names: str) -> Html:
    from csabook.model.districts import csp_name

    if data.district == "county":
        return Html()
    origins = {data.origin(n) for n in names if data.has(n)}
    partner = escape(csp_name(data.district, data.project))
    if origins == {"local"}:
        text = f"Local content, supplied by the {partner} for this edition."
        cls = "local"
    elif "local" in origins:
        text = (f"County-wide and local content: this section shows the Kent county edition's content with local "
                f"content supplied by the {partner}.")
        cls = "mixed"
    else:
        text = "County-wide content: this section is inherited from the Kent county edition."
        cls = "county"
    return Html(f'<p class="csa-origin csa-origin-{cls}"><strong>{text}</strong></p>')




def front_page(data) -> Html:
    """The edition's home page: what this edition is (the agreement or the action plan alone, the county's or a
    district's, published or a draft), and where its content comes from."""
    from csabook.model.districts import csp_name
    from csabook.model.identity import ACTION_PLAN, identify

    identity = identify(data)
    parts = [f"<p>{escape(identity.summary)}</p>"]
    if identity.kind == ACTION_PLAN:
        parts.append("<p>Use the contents to read the action plan by priority and by objective.</p>")
    else:
        parts.append("<p>Use the contents to read each chapter and appendix.</p>")
    parts.append('<p class="csa-download-note">Every table has a link to download its data as a CSV file.</p>')
    page = Html(f'<p class="csa-period">{escape(identity.period)}</p>' + "".join(parts)) + draft_notice(data, identity)
    if data.district != "county":
        from csabook.model.districts import district_name

        place = escape(district_name(data.district, data.project))
        partner = csp_name(data.district, data.project)
        page += Html("<h2>Local and county-wide content</h2>"
                     f"<p>This edition is the {place} edition. Sections marked local were supplied by the "
                     f"{escape(partner)}; every other section is the Kent county edition's, shown as county-wide.</p>")
        page += table(content_origins(data), "Where each section of this edition comes from")
    return page


def draft_notice(data, identity) -> Html:
    """On the home page of a draft edition: why it is a draft, and every data file still to be reviewed."""
    from csabook.model.review import all_pending

    if not identity.draft_reason:
        return Html()
    pending = all_pending(data)
    listed = (f"<p>{len(pending)} data file(s) were carried over from an earlier year and still need review:</p>"
              f"{_pending_list(pending)}") if pending else ""
    return Html(f'<div class="csa-review" role="note"><h2>Draft edition</h2><p>This edition is a draft: '
                f"{escape(identity.draft_reason)}.</p>{listed}</div>")


def _pending_list(pending, with_year: bool = True) -> str:
    """Files still to review (csabook.model.review.Pending), each with what to update."""
    year = (lambda p: f" (from {escape(p.from_year)})") if with_year else (lambda p: "")
    return "<ul>" + "".join(f"<li><code>{escape(p.path)}</code>{year(p)}: {escape(p.update)}</li>"
                            for p in pending) + "</ul>"


def content_origins(data):
    """Section and 'Local' or 'County-wide', for each section with data in the edition, in book order."""
    import pandas as pd

    from csabook.model.schema import FILES

    sections: dict[str, set] = {}
    for name, spec in FILES.items():
        if spec.section is not None and data.has(name):
            sections.setdefault(spec.section, set()).add(data.origin(name))
    rows = [(section, "Local" if origins == {"local"} else "County-wide") for section, origins in sections.items()]
    return pd.DataFrame(rows, columns=["Section", "Content"])


def action_plan_intro(plan) -> Html:
    status = " ".join(x for x in (plan.status, f"Version {plan.version}" if plan.version else None) if x)
    return Html(f"<p><strong>{escape(plan.title)}</strong>" + (f" ({escape(status)})" if status else "") + ".</p>"
                f"<p>{len(plan.objectives)} objectives in {len(plan.groups)} groups: the CSA priorities, each with "
                "its aim, and general support for the district and borough CSPs.</p>")


def action_plan_key(plan) -> Html:
    """The published colour key, each entry with how this edition shows it (the colours themselves are not used)."""
    linked = sum(o.linked_partnership for o in plan.objectives)
    shown = {"green": (f"Shown here by an asterisk after the objective number (for example 1.3*): {linked} of "
                       f"{len(plan.objectives)} objectives."),
             "purple": ("The published text does not say which actions these are, so this edition cannot mark "
                        "them.")}
    entries = "".join(f"<dt>{escape(k.colour.title())} in the published plan</dt><dd>{escape(k.text)}. "
                      f"{escape(shown.get(k.colour.lower(), 'Not marked in this edition.'))}</dd>" for k in plan.key)
    return Html('<h2>Key</h2><p>The published plan marks some actions by colour. This edition shows each mark as '
                f'follows.</p><dl class="csa-key">{entries}</dl>') if plan.key else Html()


def action_plan_groups(plan) -> Html:
    """Each priority with its aim, then every objective with its rows laid out as the published plan reads."""
    import pandas as pd

    cols = plan.columns
    parts = []
    for group in plan.groups:
        parts.append(Html(f'<section class="csa-group" id="group-{group.number}"><h2>{group.number}. '
                          f"{escape(group.priority)}</h2>"))
        if group.aim:
            parts.append(Html(f"<p><strong>Aim:</strong> {escape(group.aim)}</p>"))
        for obj in group.objectives:
            marker = "*" if obj.linked_partnership else ""
            link = " (linked to another partnership)" if obj.linked_partnership else ""
            theme = f"{escape(obj.theme)}: " if obj.theme else ""
            frame = pd.DataFrame([{"Action ID": r.id, cols[2]: list(r.actions), cols[3]: list(r.measures),
                                   cols[4]: r.timescale, cols[5]: r.lead} for r in obj.rows],
                                 columns=["Action ID", *cols[2:]])
            parts += [Html(f'<div class="csa-objective"><h3>{escape(obj.number)}{marker}{escape(link)}</h3>'
                           f"<p>{theme}{escape(obj.outcome)}</p>"),
                      table(frame, f"Objective {obj.number}: actions, measures, timescale and lead"), Html("</div>")]
        parts.append(Html("</section>"))
    return join(parts)


def priorities_diagram(prio, appendix_e) -> Html:
    """§6.10's diagram: the CSA priorities and cross-cutting themes beside the PCC's priorities (Appendix E)."""
    pcc = next(t for t in appendix_e.tables if t.id == "pcc-priorities")
    columns = [
        ("Kent CSA priorities", [p.name for p in prio.priorities], theme.PURPLE, "white"),
        ("Kent CSA cross-cutting themes", [t.name for t in prio.themes], theme.LIGHT_PURPLE, theme.INK),
        ("Kent PCC's priorities (Making Kent Safer)", pcc.items, theme.LIGHT_GREY, theme.INK),
    ]
    alt = "; ".join(f"{head}: " + ", ".join(items) for head, items, _, _ in columns) + "."
    return figure(charts.columns_diagram(columns, alt),
                  "Kent CSA priorities and cross-cutting themes (purple) beside the Kent PCC's priorities (grey).")


def plain_list(items: Iterable[str]) -> Html:
    """A bullet list of plain text (escaped, never read as Markdown)."""
    lis = "".join(f"<li>{escape(i)}</li>" for i in items)
    return Html(f"<ul>{lis}</ul>") if lis else Html()


def priority_history(past) -> Html:
    """The priorities and themes of every year held (csabook.content.history.YearList, oldest first): a chart and a table."""
    from csabook.content import history

    if len(past) < 2:
        return Html()
    first, last = past[0].year, past[-1].year
    derived = [y.year for y in past if y.path.endswith("priority_list.yml")]
    years, groups = history.chart_groups(past)
    caption = (f"The Kent CSA priorities (dark) and cross-cutting themes (light) held in each year, {first} to {last}: "
               "‘new’ marks the first year of one, ‘renamed’ a change of name.")
    if derived:
        caption += (f" The lists for {derived[0]}" + (f" to {derived[-1]}" if len(derived) > 1 else "")
                    + " are derived from what the 2022 CSA says changed each year; the basis of each is given below the table.")
    return (heading(f"The priorities and cross-cutting themes since {first}", 2)
            + figure(charts.presence_chart(years, groups, history.history_alt(past)), caption)
            + table(history.history_frame(past), f"Priorities and cross-cutting themes by year, {first} to {last}")
            + list_basis(past))


def list_basis(past) -> Html:
    """Where each year's list of priorities and themes comes from, and what the text leaves open."""
    parts = ["<h3>Where each year's list comes from</h3>"]
    for listed in past:
        note = f"<p>{escape(listed.note)}</p>" if listed.note else ""
        parts.append(f"<p><strong>{escape(listed.year)}</strong> (<code>{escape(listed.path)}</code>):</p>"
                     + plain_list(listed.derived_from).markup + note)
    return Html('<section class="csa-basis">' + "".join(parts) + "</section>")


def year_changes(diff) -> Html:
    """'Changes since the previous edition': a csabook.tools.diff.YearDiff as headed lists, or nothing without one."""
    if diff is None:
        return Html()
    parts = [f"<h2>Changes since the previous edition</h2><p>Computed from the data of {escape(diff.before)} and "
             f"{escape(diff.after)}. Only what both years hold is compared.</p>"]
    for result in diff.compared:
        parts.append(f"<h3>{escape(result.area.title)}</h3>")
        parts.append(plain_list(c.text for c in result.changes).markup or "<p>No change.</p>")
    if not diff.compared:
        parts.append(f"<p>{escape(diff.before)} and {escape(diff.after)} hold no data in common.</p>")
    if diff.not_compared:
        parts.append("<p>Not compared, as only one year or neither holds the data:</p>")
        parts.append(plain_list(f"{r.area.title} ({diff.held_text(r)})" for r in diff.not_compared).markup)
    rows = diff.rows()
    if rows:
        parts.append("<p>In the style of the version-control table:</p>" + plain_list(rows).markup)
    return Html("".join(parts))


def local_assessment(data) -> Html:
    """In a district edition: the issues the district's own strategic assessment identified, or that it has none."""
    from csabook.model.districts import district_name

    if data.district == "county":
        return Html()
    name = escape(district_name(data.district, data.project))
    if not data.has("strategic_assessment"):
        return Html(f"<h2>{name}: local strategic assessment</h2><p>No local strategic-assessment outcome has been "
                    "supplied for this edition. The table above is the county-wide outcome.</p>")
    sa = data.get("strategic_assessment")
    period = f" ({escape(sa.period)})" if sa.period else ""
    return (Html(f"<h2>{name}: {escape(sa.title)}{period}</h2>") + origin_note(data, "strategic_assessment")
            + Html(f"<p>The issues identified by this district's strategic assessment ({len(sa.identified)}):</p>")
            + bullets(sa.identified))


def local_priorities(data) -> Html:
    """A district's own priorities and their leads, with the published wording kept as Markdown text."""
    import pandas as pd

    lp = data.get("local_priorities")
    frame = pd.DataFrame([(p.name, p.lead, p.description or "") for p in lp.priorities],
                         columns=["Local priority", "Lead", "Description"])
    return origin_note(data, "local_priorities") + paragraphs(lp.intro) + table(frame, lp.title)


def progress_intro(p) -> Html:
    """What the progress report covers: the latest quarter's report date, and how many actions have a return."""
    from csabook.content.progress import long_date
    from csabook.html.primitives import status_key
    from csabook.model.quarters import NO_RETURN, STATUSES

    total = len(p.frame)
    answered = int((p.frame["Status"] != NO_RETURN).sum())
    quarters = ", ".join(p.quarters)
    text = (f"Each lead agency feeds back on the actions it leads every quarter. This report shows the returns for "
            f"{p.latest} of {p.year}/{(p.year + 1) % 100:02d}, at {long_date(p.report_date)}: {answered} of {total} "
            f"actions have a return. Quarters with returns: {quarters}.")
    return paragraphs([text]) + status_key([*STATUSES, NO_RETURN])


def status_by_priority_figure(p) -> Html:
    """The chart of status by priority, with its table (the same counts, and their CSV) under it."""
    from csabook.content.progress import REPORT_STATUSES, status_by_priority

    frame = status_by_priority(p)
    labels = list(frame["Priority"])
    series = [(s, [int(v) for v in frame[s]]) for s in REPORT_STATUSES]
    alt = "Bar chart of the status of actions by priority: " + "; ".join(
        f"{label}: " + ", ".join(f"{s} {frame.loc[i, s]}" for s in REPORT_STATUSES if frame.loc[i, s])
        for i, label in enumerate(labels)) + "."
    caption = "Status of actions by priority"
    return (figure(charts.status_chart(labels, series, "Number of actions", alt), caption)
            + table(frame, f"{caption} at the report date", numeric=[*REPORT_STATUSES, "Total"]))
