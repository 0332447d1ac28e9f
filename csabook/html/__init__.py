"""HTML for the book: the primitives, the chapter views, the tables' downloads."""
