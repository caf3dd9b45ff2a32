<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
    <context>
        <name>CommunityQrDialog</name>
        <message>
            <location filename="../../gridworker/ui/community_qr.py" line="115" />
            <source>No browser could be opened on this computer: type the address below into one</source>
            <translation>本机无法打开浏览器：请在浏览器中输入下面的地址</translation>
        </message>
    </context>
</TS>
