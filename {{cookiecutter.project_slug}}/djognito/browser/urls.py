"""Browser sign-in URLs; a project includes them under a path of its choice (``api/auth/``)."""

from django.urls import path

from . import accounts, mfa, views

app_name = "djognito"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("challenge/", views.ChallengeView.as_view(), name="challenge"),
    path("refresh/", views.RefreshView.as_view(), name="refresh"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("logout/everywhere/", accounts.LogoutEverywhereView.as_view(), name="logout-everywhere"),
    path("signup/", accounts.SignUpView.as_view(), name="signup"),
    path("signup/confirm/", accounts.ConfirmSignUpView.as_view(), name="signup-confirm"),
    path("signup/resend/", accounts.ResendCodeView.as_view(), name="signup-resend"),
    path("password/forgot/", accounts.ForgotPasswordView.as_view(), name="password-forgot"),
    path("password/reset/", accounts.ResetPasswordView.as_view(), name="password-reset"),
    path("password/change/", accounts.ChangePasswordView.as_view(), name="password-change"),
    path("mfa/", mfa.MfaView.as_view(), name="mfa"),
    path("mfa/totp/", mfa.TotpView.as_view(), name="mfa-totp"),
    path("mfa/totp/verify/", mfa.TotpVerifyView.as_view(), name="mfa-totp-verify"),
    path("hosted/login/", views.HostedLoginView.as_view(), name="hosted-login"),
    path("hosted/callback/", views.HostedCallbackView.as_view(), name="hosted-callback"),
    path("hosted/logout/", views.HostedLogoutView.as_view(), name="hosted-logout"),
]
