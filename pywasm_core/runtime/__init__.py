"""Runtime objects (spec "Execution/Runtime"): store, memories, tables, globals, functions and module
instances.  They are also the public API objects: `Memory`, `Table`, `Global`, `Func`, `Instance`."""
