"""Every word and line readlist prints: summaries, tables, JSON, messages and errors.

A presenter turns what `readlist.api` returns into text; the commands (`readlist.commands`) write it with
`readlist.present.output`. Nothing here reads the library or the network. Importing this package imports none of
its modules, so that a command loads only the presenters it uses.
"""
