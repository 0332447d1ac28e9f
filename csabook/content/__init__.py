"""What chapters compute from the data: action-plan tables, priority history, district returns."""
