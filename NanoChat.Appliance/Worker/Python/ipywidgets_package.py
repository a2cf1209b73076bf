# The appliance's `ipywidgets`: interact, interactive and interact_manual with sliders, dropdowns,
# radio buttons, checkboxes and text boxes (kernel_interact.py and kernel_widgets.py); those
# controls shown on their own with observe(), Button, Output, VBox and HBox (kernel_widget_extras.py), and
# IntProgress, FloatProgress, Label and HTML (kernel_progress.py), Textarea, number boxes,
# ToggleButtons and links (kernel_widget_inputs.py). The real
# ipywidgets talks to Jupyter over its comm channel, which the appliance does not have, so this one
# is found first even where ipywidgets is installed (Worker/PythonHost.cs). Anything else fails by
# name with what is available instead.
import sys

from appliance_interact import fixed, interact, interact_manual, interactive  # noqa: F401
from appliance_widgets import (Checkbox, Dropdown, FloatSlider, IntSlider, RadioButtons, Text,  # noqa: F401
                               ValueWidget as Widget)
from appliance_widget_extras import Box, Button, HBox, Layout, Output, VBox  # noqa: F401
from appliance_progress import HTML, FloatProgress, IntProgress, Label  # noqa: F401
from appliance_widget_inputs import (BoundedFloatText, BoundedIntText, FloatText, IntText, Textarea,  # noqa: F401
                                     ToggleButtons, dlink, jsdlink, jslink, link)

widgets = sys.modules[__name__]  # `from ipywidgets import widgets; widgets.IntSlider(...)`


def __getattr__(name):
    raise AttributeError("ipywidgets.%s is not available in this appliance; interact, interactive and interact_manual "
                         "are, with IntSlider, FloatSlider, Dropdown, RadioButtons, Checkbox, Text, fixed, "
                         "Textarea, IntText, FloatText, BoundedIntText, BoundedFloatText, ToggleButtons, Button, Output, "
                         "VBox, HBox, Layout, IntProgress, FloatProgress, Label, HTML, link, jslink and dlink" % name)
