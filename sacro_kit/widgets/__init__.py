"""Interactive JupyterLab views (ipywidgets): the responder explorer."""

from sacro_kit.widgets.explorer import (
    BandUnavailable,
    ExplorerState,
    ResponderExplorer,
    responder_bands,
    responder_explorer,
    threshold_grid,
)

__all__ = [
    "responder_explorer",
    "responder_bands",
    "ResponderExplorer",
    "ExplorerState",
    "BandUnavailable",
    "threshold_grid",
]
