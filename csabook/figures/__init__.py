"""Figures: the theme's colours and the charts drawn with them."""
