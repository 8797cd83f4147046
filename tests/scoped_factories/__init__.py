"""One factory per scoped model, for the access-matrix test (tests/core/test_access_matrix.py).

``make(org, marker, viewer)`` creates one row that belongs to ``org`` and carries ``marker`` somewhere a
list, a search (?q=marker) or an export shows it. ``viewer`` is the user who will look (a job, say, is
hers). Each app keeps its factories in a module of this package (tests/scoped_factories/<app>.py),
decorated with ``@factory(Model)``; every module here is imported. A new scoped model without a factory
fails the matrix test: add one, never edit the test.
"""

import importlib
import pkgutil

FACTORIES: dict = {}


def factory(model):
    def decorate(func):
        FACTORIES[model] = func
        return func

    return decorate


for _module in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_module.name}")
