"""The adviser back-office, one module per page: search (/conseiller), member_file (/conseiller/contrat),
contract_import (/conseiller/import), audit_trail (/conseiller/journal); nav holds what they share.

Every handler goes through the road (ui/road.py): the domain refuses anyone but a verified adviser, and the
road sends a member back to « Mon Espace » and anyone else to the login page.
"""
