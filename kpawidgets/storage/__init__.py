"""Everything the project reads from and writes to disk: workbooks, history, exports.

Storage sits on the model and below everything else; it never imports ``app``, ``report``
or ``cli``.
"""
