"""The Reflex internals the file picker leans on (ui/upload_widget.py): a Reflex upgrade that changes them fails here,
not silently in a member's browser (a drop that replaces the chosen files, sizes that never show)."""

from __future__ import annotations

import inspect

import reflex as rx
import reflex_components_core.core.upload as reflex_upload

from portal_app.ui import upload_widget
from portal_app.ui.upload_widget import add_to_selection, rejected_in_browser, upload_root_adding

CONTEXT_HOOK = "const [filesById, setFilesById] = useContext(UploadFilesContext);"


def hooks_of(component: rx.Component) -> str:
    return "\n".join(str(hook) for hook in component._get_all_hooks())


def test_the_replaced_function_still_exists_with_the_same_signature():
    replaced = getattr(reflex_upload, upload_widget.REPLACED)
    parameters = list(inspect.signature(replaced).parameters.values())

    assert [p.name for p in parameters] == ["id_"]
    assert parameters[0].default == reflex_upload.DEFAULT_UPLOAD_ID


def test_reflex_still_makes_the_default_drop_with_that_function():
    """If rx.upload.root stopped calling the module's upload_file, the swap would change nothing."""
    source = inspect.getsource(reflex_upload.Upload.create)

    assert f'upload_props["on_drop"] = {upload_widget.REPLACED}(upload_id)' in source


def test_the_upload_context_is_still_filesById_and_setFilesById():
    """The widget's JavaScript reads and writes these two names of Reflex's React context."""
    var_data = reflex_upload.get_upload_files_context_var_data()

    assert CONTEXT_HOOK in var_data.hooks
    assert dict(var_data.imports)["react"][0].tag == "useContext"


def test_the_compiled_drop_adds_to_the_selection():
    adding = hooks_of(upload_root_adding(rx.el.button("Ajouter des fichiers"), id="justificatifs"))
    plain = hooks_of(rx.upload.root(rx.el.button("Ajouter des fichiers"), id="justificatifs"))
    ours = str(add_to_selection("justificatifs"))

    assert ours in adding and CONTEXT_HOOK in adding
    assert ours not in plain  # the swap, not Reflex, made that on_drop


def test_the_swap_is_undone_after_the_component_is_made():
    original = getattr(reflex_upload, upload_widget.REPLACED)

    upload_root_adding(rx.el.button("Ajouter des fichiers"), id="pieces")

    assert getattr(reflex_upload, upload_widget.REPLACED) is original


def test_the_file_input_is_hidden_from_assistive_technologies():
    rendered = str(upload_root_adding(rx.el.button("Ajouter des fichiers"), id="pieces").render())

    assert '"aria-hidden":"true"' in rendered and 'type:"file"' in rendered


def test_files_refused_by_the_browser_are_named_with_the_reason_in_french():
    said = rejected_in_browser(
        [{"name": "scan.heic", "codes": ["file-invalid-type"]}, {"name": "gros.pdf", "codes": ["file-too-large"]}]
    )

    assert said == "« scan.heic » n'est pas un fichier PDF, JPEG ou PNG. « gros.pdf » dépasse 10 Mo."


def test_hostile_rejections_give_a_plain_message():
    assert rejected_in_browser("not a list") == "Un fichier n'est pas accepté."
    assert rejected_in_browser([42, {"codes": "x"}]) == "« Un fichier » n'est pas accepté."
