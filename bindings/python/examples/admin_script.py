"""Start of the school year for one school, in one go.

    python3 admin_script.py school.db ElevesSansAdresses.xml out/

imports the roster, opens a campaign per class, writes each class's credentials CSV and
printable sheet into out/, and lists who has not joined yet. Run it again later: the roster is
re-imported, existing campaigns are kept (their credentials are not regenerated) and the
not-joined lists are refreshed.
"""

import pathlib
import sys

import inscrire

UAI = "0751234A"
SCHOOL = "Collège Victor Hugo"


def main(database: str, roster: str, out_dir: str) -> int:
    out = pathlib.Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    with inscrire.open(database) as db:
        if UAI not in {school.uai for school in db.organizations()}:
            db.create_organization(UAI, SCHOOL)

        try:
            report = db.import_roster(UAI, roster)
        except inscrire.ImportRefused as refused:
            print(f"roster refused ({refused.code}), nothing imported:", file=sys.stderr)
            for problem in refused.report.errors:
                where = problem.ine or (f"line {problem.line}" if problem.line else "file")
                print(f"  {problem.code} at {where} {problem.field or ''} {problem.detail}",
                      file=sys.stderr)
            return 1
        print(f"roster: {report.created} created, {report.updated} updated, "
              f"{report.disabled} disabled, {report.skipped_total} skipped")

        campaigns = {c.division: c for c in db.campaigns(UAI) if c.status == "active"}
        divisions = sorted({learner.division for learner in db.learners(UAI)})
        for division in divisions:
            campaign = campaigns.get(division)
            if campaign is None:
                campaign = db.create_campaign(UAI, f"Pix {division}", division=division)
                # New campaign: usernames and temporary passwords for the whole class.
                credentials = db.generate_credentials(UAI, division)
                csv_file = out / f"identifiants-{division}.csv"
                csv_file.write_text(credentials.csv(), encoding="utf-8")
                sheet = db.class_sheet(campaign.code)
                (out / f"fiche-{division}.html").write_text(sheet, encoding="utf-8")
            missing = db.not_joined(campaign.code)
            lines = [f"{p.last_name};{p.first_name};{p.username or ''}" for p in missing]
            (out / f"pas-inscrits-{division}.csv").write_text(
                "\n".join(["Nom;Prénom;Identifiant", *lines]) + "\n", encoding="utf-8")
            print(f"{division}: campaign {campaign.code}, {len(missing)} pupil(s) not joined")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2], sys.argv[3]))
