"""What makes a password acceptable (OWASP ASVS 6.2): long enough, not too
long, and not guessable, judged by zxcvbn's lists of common passwords, names
and patterns rather than a home-made blacklist."""
from zxcvbn import zxcvbn

MIN_LENGTH = 10
MAX_LENGTH = 128
MIN_SCORE = 3


def password_problem(password, username="", full_name=""):
    """A Vietnamese reason the password is refused, or None."""
    if len(password) < MIN_LENGTH:
        return f"Mật khẩu phải có ít nhất {MIN_LENGTH} ký tự."
    if len(password) > MAX_LENGTH:
        return f"Mật khẩu không được dài quá {MAX_LENGTH} ký tự."
    hints = [value for value in (username, full_name) if value]
    if zxcvbn(password, user_inputs=hints)["score"] < MIN_SCORE:
        return ("Mật khẩu quá dễ đoán (mật khẩu phổ biến, tên người dùng, dãy số hoặc ký tự liền nhau). "
                "Hãy dùng một cụm từ dài hơn, khó đoán hơn.")
    return None
