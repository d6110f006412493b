"""Writes made-up insurance claims with a review/approve outcome as CSV: a stand-in for your own
labelled history. Usage: python3 make_claims.py > claims.csv"""
import csv
import random
import sys

random.seed(7)
out = csv.writer(sys.stdout)
out.writerow(["claim_id", "submitted_at", "amount", "region", "policy_age_days", "prior_claims",
              "has_police_report", "outcome"])
for i in range(2000):
    amount = round(random.lognormvariate(7, 1.2), 2)
    region = random.choice(["NORTH", "SOUTH", "EAST", "WEST"])
    age = random.randint(0, 4000)
    prior = random.choice(["", 0, 0, 1, 2, 5])          # empty: unknown
    police = random.random() < 0.6
    risk = (amount > 5000) + (age < 90) + (prior != "" and prior >= 2) + (not police)
    outcome = "review" if risk + random.random() * 1.5 >= 2.2 else "approve"
    out.writerow([f"c-{i}", 1764000000000 + i * 1000, amount, region, age, prior,
                  str(police).lower(), outcome])
