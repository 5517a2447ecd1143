from models.text import fold, search_document, search_terms


def test_fold_removes_every_vietnamese_mark_and_d_stroke():
    assert fold("Nguyễn Thị Hoa") == "nguyen thi hoa"
    assert fold("ĐẶNG Đức Ưng Phượng") == "dang duc ung phuong"
    assert fold("Siu Blơng") == "siu blong"


def test_terms_split_jrai_names_at_apostrophes():
    assert search_terms("Ksor H'Mai") == ["ksor", "h", "mai"]


def test_search_document_is_word_delimited():
    assert search_document("Đặng Văn Út", None, "") == " dang van ut "
    assert search_document(None) == ""
