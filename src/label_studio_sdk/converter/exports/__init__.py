"""Writers of the export formats, each streaming tasks to its output file(s) one at a time."""
