from django.urls import include, path

from accounts import views

urlpatterns = [
    path("signup/", views.sign_up, name="signup"),
    path("signup/done/", views.sign_up_done, name="signup_done"),
    path("activate/<uidb64>/<token>/", views.activate, name="activate"),
    path("settings/", views.account_settings, name="account_settings"),
    # Before Django's own, which it replaces: also lifts the account's login throttle.
    path(
        "reset/<uidb64>/<token>/",
        views.ResetPasswordConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("", include("django.contrib.auth.urls")),
]
