"""Reading and writing files: YAML, workbooks, plan files, CSV, the framework catalogue."""
