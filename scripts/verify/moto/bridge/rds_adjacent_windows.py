"""RDS accepts a backup window that ends when the maintenance window starts.

moto behaviour: moto's RDS rejects adjacent windows (backup 02:00-03:00, maintenance sun:03:00-sun:04:00) with "The
backup window and maintenance window must not overlap": it counts an overlap of 0 seconds as one. RDS accepts them
(the spec's windows are such a pair).

The patch: an overlap of 0 seconds is no overlap (moto's rds.utils.get_overlap_between_two_date_ranges).
"""
from __future__ import annotations

from .patch import Observed, Patch, client


def windows_that_touch_do_not_overlap(original):
    def overlap(*args):
        seconds = original(*args)
        return -1 if seconds == 0 else seconds

    return overlap


def install() -> None:
    from moto.rds import utils as rds_utils
    rds_utils.get_overlap_between_two_date_ranges = windows_that_touch_do_not_overlap(
        rds_utils.get_overlap_between_two_date_ranges)


def probe() -> Observed:
    try:
        client('rds').create_db_instance(
            DBInstanceIdentifier='probe', Engine='postgres', DBInstanceClass='db.t3.micro', AllocatedStorage=20,
            MasterUsername='app', MasterUserPassword='probe-password',
            PreferredBackupWindow='02:00-03:00', PreferredMaintenanceWindow='sun:03:00-sun:04:00')
    except Exception as err:  # noqa: BLE001 - the rejection is the observation
        return Observed(False, f'CreateDBInstance refused: {str(err).splitlines()[0][:160]}')
    return Observed(True, 'CreateDBInstance accepted backup 02:00-03:00 with maintenance sun:03:00-sun:04:00')


PATCH = Patch(
    name='rds-adjacent-windows',
    behaviour='A backup window that ends when the maintenance window starts is refused as an overlap',
    upstream='not reported upstream (getmoto/moto searched 2026-12); the check came with getmoto/moto#5839',
    install=install,
    probe=probe,
)
