"""Pictures of the networks for reports: a PNG and an SVG of each view, drawn with matplotlib.

Title, legend (node colour = agency category, size = tasks led, edge styles) and the date of the data
(the latest date of the plans drawn, never the clock), in DejaVu Sans, which ships with matplotlib and
has every Vietnamese letter. The same input gives the same bytes: fixed layout seed, no date in the
metadata, a fixed SVG id salt; SVG text is drawn as paths, so the picture looks the same everywhere.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from matplotlib import rc_context
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from kg import corpus as kc
from kg import layout
from kg import network as kn

if TYPE_CHECKING:
    from kg.views import View

FONT = "DejaVu Sans"
RC: dict[Any, Any] = {"font.family": FONT, "svg.fonttype": "path", "svg.hashsalt": "kehoach-kg", "path.simplify": True}
LABELS = 40  # at most this many node labels (the largest nodes), so that a picture stays readable


def _size(attrs: dict) -> float:
    if attrs.get("kind") in ("task", "plan", "document"):
        return 60.0
    led = attrs.get("tasks_led", 0) + attrs.get("duties_led", 0)
    return 30.0 + 18.0 * led ** 0.9


def draw_view(view: View, corpus: kc.Corpus, folder: Path) -> list[Path]:
    """Draw ``view`` into ``folder``/{key}.png and .svg; return the two paths."""
    from kg.views import COLOURS, DUTIES, EDGE_COLOURS, RELATION, _category

    graph = view.graph
    pos = layout.positions(graph, scale=1.0)
    with rc_context(RC):
        figure = Figure(figsize=(13, 10), dpi=120)
        axes = figure.add_axes((0.01, 0.07, 0.72, 0.84))
        axes.set_axis_off()
        big = graph.number_of_nodes() > 300
        for kind in (kn.CITES, kc.CO_LEAD, kc.GUIDING, kc.LEAD_COLEAD, kn.IMPLEMENTS, kc.LEAD, kc.JOINT_LEAD):
            for prose in (False, True):
                segments, widths = [], []
                for a, b, data in graph.edges(data=True):
                    only_duties = bool(data.get("duties")) and not data.get("tasks")
                    if data["type"] == kind and only_duties == prose:
                        segments.append((pos[a], pos[b]))
                        widths.append(0.4 + 0.5 * min(data.get("weight", 1), 12) ** 0.7)
                if segments:
                    dashed = prose or kind in (kn.CITES, kc.GUIDING)
                    axes.add_collection(LineCollection(
                        segments, colors=EDGE_COLOURS[kind], linewidths=widths, alpha=0.35 if big else 0.55,
                        linestyles="--" if dashed else "-", zorder=1))
        order = sorted(graph.nodes(data=True), key=lambda item: (_size(item[1]), item[1]["label"]))
        axes.scatter([pos[n][0] for n, _ in order], [pos[n][1] for n, _ in order],
                     s=[_size(d) for _, d in order], c=[COLOURS.get(d.get("category") or "other", COLOURS["other"])
                                                         for _, d in order],
                     edgecolors="#33415599", linewidths=0.6, zorder=2)
        labelled = sorted(graph.nodes(data=True), key=lambda item: (-_size(item[1]), item[1]["label"]))[:LABELS]
        for node, attrs in labelled:
            axes.annotate(_wrap(attrs["label"]), pos[node], xytext=(0, 6 + _size(attrs) ** 0.5 / 2),
                          textcoords="offset points", ha="center", va="bottom", fontsize=8, zorder=3,
                          bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.7})
        axes.autoscale_view()
        axes.margins(0.08)
        axes.invert_yaxis()  # y grows downwards, as on the pages
        figure.text(0.01, 0.965, view.title, fontsize=15, fontweight="bold", va="top")
        figure.text(0.01, 0.93, _wrap(view.subtitle, 150), fontsize=9, va="top", color="#5b6573")
        date = f"Dữ liệu: kế hoạch ban hành {view.date}" if view.date else "Dữ liệu: chưa rõ ngày ban hành"
        figure.text(0.01, 0.02, f"{date} · {graph.number_of_nodes()} nút, {graph.number_of_edges()} cạnh · "
                    "nguồn: kehoach-kg", fontsize=8.5, color="#5b6573")
        handles = []
        categories = sorted({d.get("category") or "other" for _, d in graph.nodes(data=True)},
                            key=lambda c: list(COLOURS).index(c) if c in COLOURS else 99)
        for category in categories:
            label = _category(corpus, category)
            handles.append(Line2D([], [], marker="o", linestyle="", markersize=9, label=label,
                                  markerfacecolor=COLOURS.get(category, COLOURS["other"]), markeredgecolor="#334155"))
        kinds = {d["type"] for _, _, d in graph.edges(data=True)}
        for kind in (kc.LEAD_COLEAD, kc.JOINT_LEAD, kc.LEAD, kc.CO_LEAD, kc.GUIDING, kn.IMPLEMENTS, kn.CITES):
            if kind in kinds:
                handles.append(Line2D([], [], color=EDGE_COLOURS[kind], linewidth=2.5, label=RELATION[kind],
                                      linestyle="--" if kind in (kn.CITES, kc.GUIDING) else "-"))
        if any(d.get("duties") and not d.get("tasks") for _, _, d in graph.edges(data=True)):
            handles.append(Line2D([], [], color=EDGE_COLOURS[kc.LEAD_COLEAD], linewidth=2.5, linestyle="--",
                                  label=f"chỉ có trong {DUTIES}"))
        legend = figure.legend(handles=handles, loc="upper left", bbox_to_anchor=(0.745, 0.9), fontsize=9,
                               frameon=False, title="Chú giải", title_fontsize=10, alignment="left")
        legend.get_title().set_fontweight("bold")
        if view.kind in ("plan", "kinds", "kind", "goal"):
            figure.text(0.75, 0.1, "Kích thước nút = số nhiệm vụ chủ trì\nĐộ dày cạnh = số nhiệm vụ chung",
                        fontsize=9, color="#1d2733", va="bottom")
        png, svg = folder / f"{view.key}.png", folder / f"{view.key}.svg"
        figure.savefig(png, format="png", metadata={"Software": "kehoach-kg (matplotlib)"})
        figure.savefig(svg, format="svg", metadata={"Date": None, "Creator": "kehoach-kg (matplotlib)"})
    return [png, svg]


def _wrap(text: str, width: int = 28) -> str:
    """Break a label into lines of about ``width`` characters at spaces.

    >>> _wrap("Sở Văn hóa, Thể thao và Du lịch", 15)
    'Sở Văn hóa, Thể\\nthao và Du lịch'
    """
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "\n".join(lines)
