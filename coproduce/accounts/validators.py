"""Django's password rules, worded in our catalogue (Django's own has no Welsh for them)."""

from django.contrib.auth import password_validation as base
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


class MinimumLengthValidator(base.MinimumLengthValidator):
    def get_error_message(self):
        return ngettext(
            "The password is too short: use at least %(min_length)d character.",
            "The password is too short: use at least %(min_length)d characters.",
            self.min_length,
        ) % {"min_length": self.min_length}

    def get_help_text(self):
        return ngettext(
            "Use at least %(min_length)d character.",
            "Use at least %(min_length)d characters.",
            self.min_length,
        ) % {"min_length": self.min_length}


class CommonPasswordValidator(base.CommonPasswordValidator):
    def get_error_message(self):
        return _("This password is too common. Choose one that is harder to guess.")

    def get_help_text(self):
        return _("Do not use a commonly used password.")


class NumericPasswordValidator(base.NumericPasswordValidator):
    def get_error_message(self):
        return _("The password cannot be only numbers.")

    def get_help_text(self):
        return _("Do not use only numbers.")


class UserAttributeSimilarityValidator(base.UserAttributeSimilarityValidator):
    def get_error_message(self):
        return _("The password is too like your email address.")

    def get_help_text(self):
        return _("Do not use a password like your email address.")
