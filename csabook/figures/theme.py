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

# Status colours of the progress report: each with the ink its label is written in on it, at least 4.5:1 (WCAG AA),
# and a hatch, so that a chart never tells statuses apart by colour alone.
STATUS_STYLE = {
    "Complete": ("#1d5fa0", "white", ""),
    "On track": ("#00703c", "white", "//"),
    "At risk": ("#ffdd00", INK, ".."),
    "Off track": ("#b0281a", "white", "xx"),
    "Not started": ("#505a5f", "white", "\\\\"),
    "No return": ("#ffffff", INK, "--"),
}
