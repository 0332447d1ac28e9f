"""The analyst's tools: diff between years, the new-year refresh, the explorer."""
