"""The dynamic resources. Provider classes are pickled by reference: never move or rename them."""
