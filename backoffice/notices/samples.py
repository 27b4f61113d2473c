"""Realistic acts as PDF (fpdf2): the demo town's notices, the tests' and the benchmark's files.

The text is invented for the demo town (Saint-Flour); the layout follows what a mairie prints: the
commune's heading, the kind and number of the act, the recitals ("Vu ..."), numbered articles, the
place, date and signature.
"""

from __future__ import annotations

import datetime as dt

MONTHS = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip


def french_date(day: dt.date) -> str:
    return f"{day.day}{'er' if day.day == 1 else ''} {MONTHS[day.month - 1]} {day.year}"


def _pdf(day: dt.date):
    from fpdf import FPDF

    pdf = FPDF(format="A4", unit="mm")
    # The act's day as the file's date: the same act always makes the same bytes (and the same hash).
    pdf.set_creation_date(dt.datetime.combine(day, dt.time(18, 0), tzinfo=dt.UTC))
    pdf.set_auto_page_break(auto=True, margin=22)
    pdf.set_margins(22, 20, 22)
    pdf.set_title("Acte de la commune")
    pdf.set_creator("Borne (démonstration)")
    return pdf


def _heading(pdf, town: str, what: str, number: str, title: str) -> None:
    pdf.set_font("Times", "B", 11)
    pdf.multi_cell(
        80, 5, f"RÉPUBLIQUE FRANÇAISE\nDépartement du Cantal\nCOMMUNE DE {town.upper()}", new_x="LMARGIN", new_y="NEXT"
    )
    pdf.ln(8)
    pdf.set_font("Times", "B", 16)
    pdf.multi_cell(0, 8, f"{what}" + (f" n° {number}" if number else ""), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Times", "B", 13)
    pdf.multi_cell(0, 7, title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)


def _paragraph(pdf, text: str, *, bold: bool = False) -> None:
    pdf.set_font("Times", "B" if bold else "", 12)
    pdf.multi_cell(0, 6, text, align="J", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2.5)


def _signature(pdf, town: str, day: dt.date, who: str) -> None:
    pdf.ln(6)
    pdf.set_font("Times", "", 12)
    pdf.set_x(110)
    pdf.multi_cell(0, 6, f"Fait à {town}, le {french_date(day)}\n{who}\n\n(signé)", new_x="LMARGIN", new_y="NEXT")


def deliberation(*, number: str, title: str, day: dt.date, pages: int = 2, town: str = "Saint-Flour") -> bytes:
    """A council deliberation of about ``pages`` A4 pages (the debate's articles are repeated to fill them)."""
    pdf = _pdf(day)
    pdf.add_page()
    _heading(pdf, town, "EXTRAIT DU REGISTRE DES DÉLIBÉRATIONS DU CONSEIL MUNICIPAL", number, title)
    _paragraph(
        pdf,
        f"L'an deux mille vingt-six, le {french_date(day)} à 18 h 30, le conseil municipal de la commune de {town}, "
        "dûment convoqué, s'est réuni en session ordinaire à la mairie, sous la présidence du maire. "
        "Nombre de conseillers en exercice : 29. Présents : 23. Représentés : 4. Votants : 27.",
    )
    _paragraph(pdf, "Secrétaire de séance : Mme Claire Vidal.")
    _paragraph(pdf, "Vu le code général des collectivités territoriales, et notamment son article L. 2121-29 ;")
    _paragraph(pdf, "Vu le budget primitif de l'exercice 2026 adopté le 9 avril 2026 ;")
    _paragraph(pdf, "Vu l'avis favorable de la commission des finances réunie le 18 novembre 2026 ;")
    article = 1
    while pdf.page_no() < pages or pdf.get_y() < 200:
        _paragraph(pdf, f"Article {article}", bold=True)
        _paragraph(
            pdf,
            "Le conseil municipal, après en avoir délibéré, approuve l'opération de rénovation de l'éclairage "
            "public des rues de la ville haute (rue de la Collégiale, place d'Armes, rue Sorel) pour un montant de "
            f"{18_400 + 1_250 * article:_} euros hors taxes, et autorise le maire à solliciter les subventions "
            "de l'État et du Département au taux le plus élevé possible.".replace("_", " "),
        )
        article += 1
        if pdf.page_no() > pages or article > 400:
            break
    _paragraph(pdf, "Adopté à l'unanimité des suffrages exprimés.", bold=True)
    _signature(pdf, town, day, "Le maire,")
    return bytes(pdf.output())


def by_law(*, number: str, title: str, day: dt.date, town: str = "Saint-Flour") -> bytes:
    """A one-page temporary traffic by-law (arrêté)."""
    pdf = _pdf(day)
    pdf.add_page()
    _heading(pdf, town, "ARRÊTÉ DU MAIRE", number, title)
    for line in (
        "Le maire de la commune,",
        "Vu le code général des collectivités territoriales, articles L. 2212-1, L. 2212-2 et L. 2213-1 ;",
        "Vu le code de la route ;",
        "Considérant qu'en raison du marché de Noël il y a lieu de réglementer la circulation et le "
        "stationnement place d'Armes et rue de la Collégiale ;",
    ):
        _paragraph(pdf, line)
    _paragraph(pdf, "ARRÊTE", bold=True)
    for n, text in enumerate(
        (
            "Du 12 au 24 décembre 2026, de 8 h à 22 h, la circulation et le stationnement de tous les "
            "véhicules sont interdits place d'Armes, sauf véhicules de secours et des exposants.",
            "Une déviation est mise en place par le boulevard du Docteur-Mallet et l'allée du Tassadou.",
            "La signalisation est posée et entretenue par les services techniques municipaux.",
            "Les infractions sont constatées et poursuivies conformément aux lois en vigueur.",
            "Le directeur général des services et le commandant de la brigade de gendarmerie sont chargés, "
            "chacun en ce qui le concerne, de l'exécution du présent arrêté.",
        ),
        1,
    ):
        _paragraph(pdf, f"Article {n} : {text}")
    _signature(pdf, town, day, "Le maire,")
    return bytes(pdf.output())


def banns(*, title: str, day: dt.date, town: str = "Saint-Flour") -> bytes:
    """Marriage banns (publication de bans)."""
    pdf = _pdf(day)
    pdf.add_page()
    _heading(pdf, town, "PUBLICATION DE MARIAGE", "", title)
    _paragraph(
        pdf,
        "Il y a projet de mariage entre :\n\nM. Julien Delmas, technicien forestier, domicilié à Saint-Flour "
        "(Cantal),\n\net\n\nMme Léa Castanier, infirmière, domiciliée à Saint-Flour (Cantal).",
    )
    _paragraph(pdf, "Le mariage sera célébré en la mairie de Saint-Flour le samedi 9 janvier 2027 à 15 h.")
    _paragraph(
        pdf,
        "Toute personne ayant connaissance d'un empêchement au mariage est tenue d'en informer l'officier de "
        "l'état civil (articles 63 et 64 du code civil). La présente publication est affichée pendant dix jours "
        "à la porte de la mairie.",
    )
    _signature(pdf, town, day, "L'officier de l'état civil,")
    return bytes(pdf.output())
