#!/usr/bin/env python3
"""Writes a generated stock file of établissements in INSEE's published layout (the 53
columns of StockEtablissement, in their order), for measuring `maillage import sirene`
without the national file (several GB, not shipped with the project).

    scripts/sirene-sample.py ROWS OUT.csv [--seed 1] [--unites-legales UL.csv]

With `--unites-legales`, it also writes the stock file of unités légales (StockUniteLegale's
34 columns) for the SIRENs of the établissements: a company name for most, a person's names
for the rest, 3 % not diffusible.

The rows are shaped like the national file's: most établissements of the stock are closed
(etatAdministratifEtablissement F), a few are not diffusible (statutDiffusion P, their fields
[ND]), some older ones carry NAF rév. 1 codes, activities are drawn from every NAF sub-class
with industry and its supplying services at about the share they have in the register, and
communes from the whole commune list (so most rows fall outside the Territoires
d'industrie). Lambert 93 coordinates are given for about half of the rows. Only the shape is
real: every name and number is made up.
"""

import argparse
import csv
import gzip
import os
import random
import sys

HEADER = (
    "siren,nic,siret,statutDiffusionEtablissement,dateCreationEtablissement,"
    "trancheEffectifsEtablissement,anneeEffectifsEtablissement,"
    "activitePrincipaleRegistreMetiersEtablissement,dateDernierTraitementEtablissement,"
    "etablissementSiege,nombrePeriodesEtablissement,complementAdresseEtablissement,"
    "numeroVoieEtablissement,indiceRepetitionEtablissement,dernierNumeroVoieEtablissement,"
    "indiceRepetitionDernierNumeroVoieEtablissement,typeVoieEtablissement,"
    "libelleVoieEtablissement,codePostalEtablissement,libelleCommuneEtablissement,"
    "libelleCommuneEtrangerEtablissement,distributionSpecialeEtablissement,"
    "codeCommuneEtablissement,codeCedexEtablissement,libelleCedexEtablissement,"
    "codePaysEtrangerEtablissement,libellePaysEtrangerEtablissement,"
    "identifiantAdresseEtablissement,coordonneeLambertAbscisseEtablissement,"
    "coordonneeLambertOrdonneeEtablissement,complementAdresse2Etablissement,"
    "numeroVoie2Etablissement,indiceRepetition2Etablissement,typeVoie2Etablissement,"
    "libelleVoie2Etablissement,codePostal2Etablissement,libelleCommune2Etablissement,"
    "libelleCommuneEtranger2Etablissement,distributionSpeciale2Etablissement,"
    "codeCommune2Etablissement,codeCedex2Etablissement,libelleCedex2Etablissement,"
    "codePays2Etablissement,libellePays2Etablissement,dateDebut,"
    "etatAdministratifEtablissement,enseigne1Etablissement,enseigne2Etablissement,"
    "enseigne3Etablissement,denominationUsuelleEtablissement,"
    "activitePrincipaleEtablissement,nomenclatureActivitePrincipaleEtablissement,"
    "caractereEmployeurEtablissement"
).split(",")

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "migrations", "data")
BANDS = ["NN", "00", "01", "02", "03", "11", "12", "21", "22", "31", "32", "41", "42", "51"]
STREETS = ["RUE", "AV", "BD", "ZA", "CHE", "RTE", "IMP", "PL"]
WORDS = ["ARVE", "ALPES", "MECANIQUE", "PRECISION", "INDUSTRIE", "TECHNIQUE", "SERVICES",
         "ATELIER", "PLASTURGIE", "DECOLLETAGE", "USINAGE", "BOIS", "TRANSPORTS", "CONSEIL"]


def luhn_complete(digits):
    """`digits` followed by the check digit that makes it pass the Luhn test."""
    for c in "0123456789":
        total = 0
        for i, ch in enumerate(reversed(digits + c)):
            d = int(ch) * (2 if i % 2 else 1)
            total += d - 9 if d > 9 else d
        if total % 10 == 0:
            return digits + c
    raise ValueError(digits)


def read_gz_csv(name):
    with gzip.open(os.path.join(DATA, name), "rt", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rows", type=int)
    parser.add_argument("out")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--unites-legales", dest="legal_units")
    args = parser.parse_args()
    rng = random.Random(args.seed)

    communes = [c for c in read_gz_csv("communes_fr_2026.csv.gz") if c["code_insee"]]
    naf = [n["code_naf"] for n in read_gz_csv("naf_rev2_sous_classes.csv.gz")]
    industry = [n for n in naf if "10" <= n[:2] <= "33" or n[:2] in ("38", "52", "71", "72")]
    other = [n for n in naf if n not in industry]

    step = max(args.rows // 100, 1)
    with open(args.out, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(HEADER)
        for i in range(args.rows):
            siren = luhn_complete(f"{10_000_000 + i // 2:08d}")
            siret = luhn_complete(f"{siren}{i % 2 + 1:04d}")
            commune = rng.choice(communes)
            closed = rng.random() < 0.58
            diffusible = rng.random() >= 0.04
            rev1 = closed and rng.random() < 0.2
            code = rng.choice(industry) if rng.random() < 0.12 else rng.choice(other)
            if rev1:
                code = code[:4] + "A"
            band = rng.choice(BANDS)
            name = " ".join(rng.sample(WORDS, 2)) if rng.random() < 0.4 else ""
            usual = " ".join(rng.sample(WORDS, 3)) if rng.random() < 0.1 else ""
            x = y = ""
            if rng.random() < 0.5 and commune["latitude"]:
                # Roughly where the commune is; the importer checks it against its centre.
                x = f"{700000 + (float(commune['longitude']) - 3) * 77000:.1f}"
                y = f"{6600000 + (float(commune['latitude']) - 46.5) * 111000:.1f}"
            row = {
                "siren": siren, "nic": siret[9:], "siret": siret,
                "statutDiffusionEtablissement": "O" if diffusible else "P",
                "dateCreationEtablissement": f"{rng.randint(1960, 2025)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}",
                "trancheEffectifsEtablissement": band,
                "anneeEffectifsEtablissement": "" if band == "NN" else "2023",
                "dateDernierTraitementEtablissement": "2025-11-20T04:12:09",
                "etablissementSiege": "true" if i % 2 == 0 else "false",
                "nombrePeriodesEtablissement": str(rng.randint(1, 6)),
                "numeroVoieEtablissement": str(rng.randint(1, 250)),
                "typeVoieEtablissement": rng.choice(STREETS),
                "libelleVoieEtablissement": " ".join(rng.sample(WORDS, 2)),
                "codePostalEtablissement": (commune["codes_postaux"] or "00000")[:5],
                "libelleCommuneEtablissement": commune["nom"].upper(),
                "codeCommuneEtablissement": commune["code_insee"],
                "identifiantAdresseEtablissement": f"{commune['code_insee']}_{rng.randint(1000, 9999)}_00012",
                "coordonneeLambertAbscisseEtablissement": x,
                "coordonneeLambertOrdonneeEtablissement": y,
                "dateDebut": "2019-01-01",
                "etatAdministratifEtablissement": "F" if closed else "A",
                "enseigne1Etablissement": name,
                "denominationUsuelleEtablissement": usual,
                "activitePrincipaleEtablissement": code,
                "nomenclatureActivitePrincipaleEtablissement": "NAFRev1" if rev1 else "NAFRev2",
                "caractereEmployeurEtablissement": "N" if band == "NN" else "O",
            }
            if not diffusible:
                for k in ("numeroVoieEtablissement", "typeVoieEtablissement",
                          "libelleVoieEtablissement", "enseigne1Etablissement",
                          "denominationUsuelleEtablissement",
                          "coordonneeLambertAbscisseEtablissement",
                          "coordonneeLambertOrdonneeEtablissement"):
                    row[k] = "[ND]"
            w.writerow([row.get(h, "") for h in HEADER])
            if i % step == 0:
                print(f"\r{i * 100 // args.rows:3d} % ({i} rows)", end="", file=sys.stderr)
    print(f"\r100 % ({args.rows} rows) -> {args.out}", file=sys.stderr)
    if args.legal_units:
        write_legal_units(args.legal_units, args.rows, rng)


LEGAL_HEADER = (
    "siren,statutDiffusionUniteLegale,unitePurgeeUniteLegale,dateCreationUniteLegale,"
    "sigleUniteLegale,sexeUniteLegale,prenom1UniteLegale,prenom2UniteLegale,prenom3UniteLegale,"
    "prenom4UniteLegale,prenomUsuelUniteLegale,pseudonymeUniteLegale,"
    "identifiantAssociationUniteLegale,trancheEffectifsUniteLegale,anneeEffectifsUniteLegale,"
    "dateDernierTraitementUniteLegale,nombrePeriodesUniteLegale,categorieEntreprise,"
    "anneeCategorieEntreprise,dateDebut,etatAdministratifUniteLegale,nomUniteLegale,"
    "nomUsageUniteLegale,denominationUniteLegale,denominationUsuelle1UniteLegale,"
    "denominationUsuelle2UniteLegale,denominationUsuelle3UniteLegale,"
    "categorieJuridiqueUniteLegale,activitePrincipaleUniteLegale,"
    "nomenclatureActivitePrincipaleUniteLegale,nicSiegeUniteLegale,"
    "economieSocialeSolidaireUniteLegale,societeMissionUniteLegale,caractereEmployeurUniteLegale"
).split(",")

FIRST_NAMES = ["Claire", "Marc", "Inès", "Paul", "Léa", "Hugo", "Sophie", "Karim"]


def write_legal_units(path, rows, rng):
    """One unité légale per SIREN of the établissements (two établissements per SIREN)."""
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(LEGAL_HEADER)
        for k in range((rows + 1) // 2):
            siren = luhn_complete(f"{10_000_000 + k:08d}")
            person = rng.random() < 0.2
            row = {
                "siren": siren,
                "statutDiffusionUniteLegale": "P" if rng.random() < 0.03 else "O",
                "dateCreationUniteLegale": f"{rng.randint(1960, 2025)}-01-01",
                "dateDernierTraitementUniteLegale": "2025-11-20T04:12:09",
                "nombrePeriodesUniteLegale": "1",
                "dateDebut": "2019-01-01",
                "etatAdministratifUniteLegale": "A",
                "categorieJuridiqueUniteLegale": "1000" if person else "5710",
                "nicSiegeUniteLegale": "00012",
            }
            if person:
                row["prenom1UniteLegale"] = rng.choice(FIRST_NAMES)
                row["nomUniteLegale"] = " ".join(rng.sample(WORDS, 1)).upper()
            else:
                row["denominationUniteLegale"] = " ".join(rng.sample(WORDS, 3)).upper()
            w.writerow([row.get(h, "") for h in LEGAL_HEADER])
    print(f"{(rows + 1) // 2} unités légales -> {path}", file=sys.stderr)


if __name__ == "__main__":
    main()
