"""Links to the server's download routes must leave React Router: a client-side navigation would look for a
page of the app called /telechargement/… and show the 404 page instead of downloading."""

import reflex as rx

from portal_app.ui.claim_page import file_item
from portal_app.ui.data_rights import data_rights_section


def links_to_downloads(component: rx.Component) -> list[dict]:
    found = []

    def walk(node: dict) -> None:
        props = " ".join(node.get("props", []))
        if "/telechargement/" in props and node.get("name") == "ReactRouterLink":
            found.append(node)
        for child in node.get("children", []):
            walk(child)

    walk(component.render())
    return found


def test_invoice_links_reload_the_document():
    var = rx.Var.create({"filename": "facture.pdf", "file_id": 1, "size": "1 Ko"})
    links = links_to_downloads(file_item(var))
    assert links and all("reloadDocument:true" in node["props"] for node in links)


def test_the_personal_data_link_reloads_the_document():
    links = links_to_downloads(data_rights_section())
    assert len(links) == 1 and "reloadDocument:true" in links[0]["props"]
