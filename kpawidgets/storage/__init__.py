"""Everything the project reads from and writes to disk: workbooks, history, exports.

- :mod:`.atomic`: the one write (``write_atomic``: temp file, fsync, rename, fsync folder;
  the mode kept, or the umask's default) for every file the project writes;
- :mod:`.files`: reading a workbook file safely (regular files only, bounded size, no
  duplicate keys) and the workspace's errors;
- :mod:`.workspace`: a folder of workbooks — list, open, save (lock, conflict check,
  history), trash;
- :mod:`.references`: a name or a ``.json`` path → the opened workbook and its workspace;
- :mod:`.spreadsheets`: budget xlsx/CSV export and import.

Storage sits on the model and below everything else; it never imports ``app``, ``report``
or ``cli``.
"""
