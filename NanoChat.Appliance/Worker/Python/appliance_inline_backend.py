# matplotlib backend "module://appliance._inline_backend": draws with Agg; plt.show() and the end
# of a cell send every open figure to the cell as image/png (like Jupyter's inline backend).
# Imported only when matplotlib asks for it (the worker registers a finder for this name).
from matplotlib.backend_bases import FigureManagerBase
from matplotlib.backends.backend_agg import FigureCanvasAgg

FigureCanvas = FigureCanvasAgg
FigureManager = FigureManagerBase


def show(*args, **kwargs):
    import appliance_kernel
    appliance_kernel.flush_figures()
