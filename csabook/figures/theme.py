"""The publication's colours and the matplotlib style every figure is drawn in."""

PURPLE = "#4b2170"
LIGHT_PURPLE = "#e6dcf0"
GREY = "#505050"
LIGHT_GREY = "#eeeeee"
INK = "#1a1a1a"

STYLE = {
    "svg.hashsalt": "csabook",
    "svg.fonttype": "none",
    "font.family": "DejaVu Sans",
    "font.size": 10,
    "figure.facecolor": "white",
    "axes.facecolor": "white",
    "text.color": INK,
    "axes.labelcolor": INK,
    "xtick.color": INK,
    "ytick.color": INK,
    "text.parse_math": False,  # labels are data text: "$$" is two dollar signs, never mathtext to parse
}
