from django.db import models
from django.utils.translation import gettext_lazy as _


class HolidayOverride(models.Model):
    """A correction to the packaged holiday list: an extra day off (a new cuti bersama decree)
    or a day that is worked although the package lists it as a holiday."""

    date = models.DateField(_("date"), unique=True)
    is_holiday = models.BooleanField(_("is a holiday"), default=True)
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        ordering = ["date"]
        verbose_name = _("holiday override")
        verbose_name_plural = _("holiday overrides")

    def __str__(self):
        return f"{self.date} {self.name}"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        from lapor.core.workdays import reset_calendar  # here: workdays imports this module

        reset_calendar()

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        from lapor.core.workdays import reset_calendar  # here: workdays imports this module

        reset_calendar()
        return result
